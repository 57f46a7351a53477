import v8 from 'node:v8'
import vm from 'node:vm'

let gc: (() => void) | null | undefined

/**
 * Finds a way to run full GCs, also without --expose-gc: the flag is set at runtime and `gc` taken
 * from a fresh context. That context stays alive with the function (about 160 KB of heap), so
 * samplers call this before their first sample: created at the end of a run, it read as growth.
 */
export function prepareFullGc(): boolean {
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
  return gc !== null
}

/**
 * Runs a full (mark-compact) garbage collection. Used after a run's load is over, so the last
 * samples are what the run really retained, and before every sample with `preciseHeap`. False
 * when the runtime refuses.
 */
export function fullGc(): boolean {
  if (!prepareFullGc()) return false
  gc!()
  return true
}
