import { validateRunConfig } from '../config/scenarios.ts'
import type { ValidatedLoad } from '../config/validate.ts'
import { didYouMean } from '../config/zod-problems.ts'
import { PerfConfigError, type ConfigProblem } from '../core/errors.ts'
import type { ResolvedLoadConfig, ResolvedRunConfig } from '../core/load-config.ts'
import { isLoadModule } from '../engine/load-module.ts'
import { REBALANCEABLE, splitProblems } from '../engine/shards/split.ts'
import { runOptionsProblems } from './options-schema.ts'
import type { RunOptions } from './options.ts'

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const quote = (names: string[]) => names.map((n) => `'${n}'`).join(' or ')

/**
 * Validates what runLoad() was given, the config, the workflow (or the workflows of scenarios)
 * and the options, and throws one PerfConfigError with every problem found, before anything starts.
 */
export function validateRun(config: unknown, workflow: unknown, options: RunOptions): ValidatedLoad<ResolvedRunConfig> {
  let validated: ValidatedLoad<ResolvedRunConfig>
  try {
    validated = validateRunConfig(config)
  } catch (e) {
    if (!(e instanceof PerfConfigError)) throw e
    // The workflows and options are checked too, against the scenarios as written: one error lists all.
    const scenarios = isRecord(config) && isRecord(config.scenarios) ? Object.keys(config.scenarios) : undefined
    throw new PerfConfigError([...e.problems, ...workflowProblems(workflow, scenarios), ...runOptionsProblems(options)])
  }
  const problems = runProblems(validated.config, workflow, options)
  if (problems.length > 0) throw new PerfConfigError(problems)
  return validated
}

/** What runLoad() checks beyond the load config: the workflow, the run options (zod), sharding. */
export function runProblems(config: ResolvedRunConfig, workflow: unknown, options: RunOptions): ConfigProblem[] {
  const scenarios = config.executor === 'scenarios' ? Object.keys(config.scenarios) : undefined
  const problems = workflowProblems(workflow, scenarios)
  if ((config.workers ?? 1) > 1 || config.distributed !== undefined) problems.push(...shardProblems(config, workflow))
  problems.push(...runOptionsProblems(options))
  return problems
}

const WORKFLOW_FORMS = "a function (ctx) => { … } or a load module { module: new URL('./load.ts', import.meta.url) }"

/** The workflow of one executor, or one workflow per scenario and no workflow without a scenario. */
function workflowProblems(workflow: unknown, scenarios: string[] | undefined): ConfigProblem[] {
  const isWorkflow = (w: unknown) => typeof w === 'function' || isLoadModule(w)
  if (scenarios === undefined)
    return isWorkflow(workflow) ? [] : [{ path: 'workflow', message: `must be ${WORKFLOW_FORMS}, got ${typeof workflow}` }]
  if (!isRecord(workflow) || isLoadModule(workflow)) {
    return [
      {
        path: 'workflows',
        message: `a config with scenarios takes its workflows by scenario name: runLoad({ scenarios }, { ${scenarios.length ? scenarios.join(': …, ') : 'name'}: … }), got ${typeof workflow === 'function' ? 'one function' : typeof workflow}`,
      },
    ]
  }
  const problems: ConfigProblem[] = []
  for (const name of scenarios) {
    if (!Object.hasOwn(workflow, name))
      problems.push({ path: `workflows.${name}`, message: `scenario '${name}' has no workflow; add ${name}: async (ctx) => { … }` })
    else if (!isWorkflow(workflow[name]))
      problems.push({ path: `workflows.${name}`, message: `must be ${WORKFLOW_FORMS}, got ${typeof workflow[name]}` })
  }
  for (const name of Object.keys(workflow)) {
    if (scenarios.includes(name)) continue
    const near = didYouMean(name, scenarios)
    problems.push({
      path: `workflows.${name}`,
      message: `no scenario is named '${name}'${near.length ? ` (did you mean ${quote(near)}?)` : ''}; every workflow needs a scenario of that name in config.scenarios${near.length ? '' : ` (${scenarios.join(', ') || 'none'})`}`,
    })
  }
  return problems
}

/** Problems only a run split over workers or drivers has, for each scenario of a run with scenarios. */
function shardProblems(config: ResolvedRunConfig, workflow: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const d = config.distributed
  const where = d ? 'drivers' : 'workers'
  const module = "{ module: new URL('./load.ts', import.meta.url), data }"
  const loadModuleHint = `${where} run in other ${d ? 'processes' : 'threads'} and cannot take a function; pass a load module: ${config.executor === 'scenarios' ? module : `run(config, ${module})`} whose default export is (data) => async (ctx) => { … } (docs/distributed.md)`
  if (config.executor === 'scenarios') {
    for (const [name, w] of Object.entries(isRecord(workflow) ? workflow : {}))
      if (typeof w === 'function') problems.push({ path: `workflows.${name}`, message: loadModuleHint })
  } else if (!isLoadModule(workflow)) problems.push({ path: 'workflow', message: loadModuleHint })
  if (d && config.workers !== undefined && config.workers > 1)
    problems.push({ path: 'workers', message: 'cannot be combined with distributed; start more drivers instead' })
  const n = d ? d.drivers : (config.workers ?? 1)
  const loads: [string, ResolvedLoadConfig][] =
    config.executor === 'scenarios' ? Object.entries(config.scenarios).map(([name, s]) => [`scenarios.${name}.`, s]) : [['', config]]
  for (const [prefix, load] of loads) problems.push(...splitProblems(load, n, where).map((p) => ({ ...p, path: prefix + p.path })))
  if (d?.onDriverLost === 'rebalance') {
    const fixed = loads.filter(([, load]) => !REBALANCEABLE.has(load.executor))
    if (config.executor === 'scenarios')
      problems.push({ path: 'distributed.onDriverLost', message: "'rebalance' does not work with scenarios yet; use 'fail'" })
    else if (fixed.length > 0)
      problems.push({
        path: 'distributed.onDriverLost',
        message: `'rebalance' works with ${[...REBALANCEABLE].join(', ')}, not ${fixed[0][1].executor}; use 'fail'`,
      })
  }
  return problems
}
