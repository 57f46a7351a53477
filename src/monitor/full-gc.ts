import v8 from 'node:v8'
import vm from 'node:vm'

let gc: (() => void) | null | undefined

/**
 * Runs a full (mark-compact) garbage collection, also without --expose-gc: the flag is set at
 * runtime and `gc` taken from a fresh context. Used once, after a run's load is over, so the
 * last heap sample is what the run really retained. False when the runtime refuses.
 */
export function fullGc(): boolean {
  if (gc === undefined) {
    try {
      const exposed = (globalThis as { gc?: () => void }).gc
      if (typeof exposed === 'function') gc = exposed
      else {
        v8.setFlagsFromString('--expose-gc')
        gc = vm.runInNewContext('gc') as () => void
      }
    } catch {
      gc = null
    }
  }
  if (!gc) return false
  gc()
  return true
}
