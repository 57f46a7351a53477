import type { ResolvedLoadConfig } from '../../core/load-config.ts'
import type { Runtime } from '../runtime.ts'

/** Execution half of an executor; its config half is the zod schema in config/schemas.ts. */
export interface Executor<C extends ResolvedLoadConfig> {
  /** Time after which no iteration starts (the hard stop is this plus gracefulStop). */
  plannedMs(config: C): number
  /** Resolves when every VU has finished; must honour rt.endAt and rt.stopping. */
  run(rt: Runtime, config: C): Promise<void>
}

/** A run bounded only by an iteration count still stops after this long (as k6's maxDuration). */
export const ITERATION_CAP_MAX_MS = 600_000
