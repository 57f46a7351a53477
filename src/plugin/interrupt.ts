import { constants } from 'node:os'

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/**
 * Calls `onSignal` on SIGINT (Ctrl-C) and SIGTERM. Vitest's own handler, registered when Vitest
 * starts and so before this one, sets the exit code and calls process.exit() 1 ms later: nothing
 * asynchronous runs after it, so `onSignal` must do all its work synchronously. Returns the undo.
 */
export function onInterrupt(onSignal: (signal: NodeJS.Signals) => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    try {
      onSignal(signal)
    } finally {
      // Should Vitest ever stop handling the signal, ours must not swallow it: exit as Node would.
      process.exitCode ??= 128 + constants.signals[signal]
      setTimeout(() => process.exit(), 1)
    }
  }
  for (const signal of SIGNALS) process.once(signal, handler)
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler)
  }
}
