import type { IterationContext } from '../engine/context.ts'
import type { ConfigProblem } from '../errors.ts'
import { PerfWorkflowConfigError } from './errors.ts'
import { prng } from './prng.ts'
import type { GeneratedWorkflow, WorkflowDescription } from './workflow.ts'

export interface MixOptions {
  /** Relative share of each workflow (default equal). */
  weights?: number[]
  /** Drives which workflow each iteration runs (default 1). */
  seed?: number
}

export interface WorkflowMix {
  readonly name: string
  readonly steps: readonly string[]
  readonly workflows: readonly GeneratedWorkflow[]
  setup(): Promise<void>
  readonly run: (ctx: IterationContext) => Promise<void>
  teardown(): Promise<void>
  describe(): WorkflowDescription[]
  /** Index of the workflow that iteration `i` runs. */
  pick(iteration: number): number
}

/**
 * Several generated workflows as one: each iteration runs one of them, chosen by a seeded draw
 * on the iteration number, so a mixed load is as repeatable as a single one.
 */
export function mix(list: GeneratedWorkflow[], options: MixOptions = {}): WorkflowMix {
  const weights = options.weights ?? list.map(() => 1)
  const problems: ConfigProblem[] = []
  if (!Array.isArray(list) || list.length === 0) problems.push({ path: 'workflows', message: 'is empty; pass the generated workflows to mix' })
  if (weights.length !== list.length) problems.push({ path: 'weights', message: `has ${weights.length} entries for ${list.length} workflows; give one weight per workflow` })
  if (weights.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0) || !weights.some((w) => w > 0)) {
    problems.push({ path: 'weights', message: `is ${JSON.stringify(weights)}; use numbers ≥ 0, at least one above 0` })
  }
  const seed = options.seed ?? 1
  if (!Number.isSafeInteger(seed) || seed < 0) problems.push({ path: 'seed', message: `is ${JSON.stringify(seed)}; use an integer ≥ 0` })
  if (problems.length > 0) throw new PerfWorkflowConfigError(problems)
  const pick = (iteration: number) => prng(seed, 'mix', iteration).weighted(weights)
  return {
    name: `mix(${list.map((w) => w.name).join(', ')})`,
    steps: [...new Set(list.flatMap((w) => w.steps))],
    workflows: list,
    setup: async () => {
      for (const w of list) await w.setup()
    },
    run: (ctx) => list[pick(ctx.iteration)].run(ctx),
    teardown: async () => {
      for (const w of list) await w.teardown()
    },
    describe: () => list.map((w) => w.describe()),
    pick,
  }
}
