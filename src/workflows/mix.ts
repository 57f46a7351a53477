import type { IterationContext } from '../engine/context.ts'
import type { ConfigProblem } from '../core/errors.ts'
import { parseOptions } from '../config/zod-problems.ts'
import { PerfWorkflowConfigError } from './errors.ts'
import { mixOptionsSchema, workflowUnknownKey } from './options-schema.ts'
import { prng } from '../core/random.ts'
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
  const problems: ConfigProblem[] = []
  if (!Array.isArray(list) || list.length === 0)
    problems.push({ path: 'workflows', message: 'is empty; pass the generated workflows to mix' })
  const checked = parseOptions(mixOptionsSchema, options ?? {}, { unknownKey: workflowUnknownKey })
  if (!checked.ok) problems.push(...checked.problems)
  const weights = (checked.ok ? checked.data.weights : undefined) ?? list.map(() => 1)
  if (checked.ok && Array.isArray(list) && weights.length !== list.length)
    problems.push({ path: 'weights', message: `has ${weights.length} entries for ${list.length} workflows; give one weight per workflow` })
  if (problems.length > 0 || !checked.ok) throw new PerfWorkflowConfigError(problems)
  const seed = checked.data.seed
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
