import { z } from 'zod'
import { PerfConfigError, type ConfigProblem } from '../core/errors.ts'
import type { ExecutorName, ResolvedLoadConfig, ResolvedRunConfig, ResolvedScenario, ScenariosConfig } from '../core/load-config.ts'
import { SCENARIO_TAG } from '../core/metric-key.ts'
import { compileThresholds } from '../thresholds/define.ts'
import { LOAD_LIMITS, limitProblems, MAX_TIMER_MS, plannedLength } from './limits.ts'
import { duration, EXECUTORS, executorSchemas, runWideOptions } from './schemas.ts'
import {
  crossFieldChecks,
  executorNameSchema,
  readDurationScale,
  scaleDurations,
  validateLoadConfig,
  validateShardConfig,
  windowProblems,
  type LoadCheck,
  type ValidatedLoad,
} from './validate.ts'
import { didYouMean, issuePath, parseOptions } from './zod-problems.ts'

/** Scenario names are tag values in metric keys (`latency{scenario:checkout}`): as k6 allows them. */
export const SCENARIO_NAME = /^[A-Za-z0-9_-]+$/
const RUN_WIDE = Object.keys(runWideOptions)

/** The top of a config with scenarios: the scenarios and the options of the whole run. */
export const scenariosConfigSchema = z.strictObject({
  scenarios: z
    .record(z.string(), z.unknown())
    .describe(
      'Scenario name (letters, digits, `_`, `-`) → its executor’s options and `startTime`; see [Options of each scenario](#options-of-each-scenario).',
    ),
  name: runWideOptions.name.describe('Label in reports; the `run` fixture of `perfTest` uses the test name when missing.'),
  thresholds: runWideOptions.thresholds.describe(
    "Thresholds on the whole run and on one scenario by its tag: `{ 'latency{scenario:checkout}': ['p(95)<300ms'] }`; see [thresholds.md](thresholds.md).",
  ),
  workers: runWideOptions.workers.describe('Worker threads sharing every scenario’s load; every workflow must then be a load module.'),
  distributed: runWideOptions.distributed.describe(
    'Drivers sharing every scenario’s load, coordinated through Redis; `onDriverLost` must stay `fail`.',
  ),
  unbounded: runWideOptions.unbounded.describe('Lifts the limits on VUs, rates and run length of every scenario.'),
})

/** What a scenario adds to its executor's options. */
export const scenarioOptionsSchema = z.strictObject({
  startTime: duration.default(0).describe('Time from the start of the run before the scenario starts its first iteration.'),
})

// Each executor's options without the run-wide ones, with startTime; cross-field checks as for one executor.
const scenarioSchemas = Object.fromEntries(
  EXECUTORS.map((name) => [
    name,
    (executorSchemas[name] as z.ZodObject)
      .omit({ name: true, thresholds: true, workers: true, distributed: true, unbounded: true })
      .extend(scenarioOptionsSchema.shape)
      .superRefine((config, ctx) => crossFieldChecks(config as unknown as ResolvedLoadConfig, ctx as unknown as LoadCheck)),
  ]),
) as unknown as Record<ExecutorName, z.ZodType<unknown>>

function runWideInScenario(key: string): string | undefined {
  if (key === 'thresholds')
    return `thresholds belong to the whole config: put them beside scenarios, keyed by scenario, e.g. thresholds: { 'latency{${SCENARIO_TAG}:name}': ['p(95)<300ms'] }`
  if (key === 'name') return 'a scenario is named by its key; put name beside scenarios to label the run'
  if (RUN_WIDE.includes(key)) return `${key} applies to the whole run: put it beside scenarios, where it applies to every scenario`
  return undefined
}

function topLevelKey(key: string, help: string): string | undefined {
  if (key === 'executor') return 'a config with scenarios sets an executor inside each scenario, not beside scenarios'
  if (EXECUTORS.some((e) => Object.hasOwn(executorSchemas[e].shape, key)) || Object.hasOwn(scenarioOptionsSchema.shape, key))
    return `${key} is an option of one scenario: put it inside the scenario it belongs to`
  return `unknown option '${key}'; ${help}`
}

/** One scenario's options, resolved (durations in ms, defaults filled in), or its problems under `scenarios.<name>`. */
function parseScenario(name: string, input: unknown, problems: ConfigProblem[]): ResolvedScenario | undefined {
  const prefix = issuePath([name], 'scenarios')
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push({ path: prefix, message: `must be an object like { executor: 'constant-vus', vus: 10, duration: '30s' }` })
    return undefined
  }
  const executor = parseOptions(executorNameSchema, (input as { executor?: unknown }).executor, { prefix: `${prefix}.executor` })
  if (!executor.ok) {
    problems.push(...executor.problems)
    return undefined
  }
  const parsed = parseOptions(scenarioSchemas[executor.data], input, {
    prefix,
    unknownKey: (key, path, help) => (path === '' ? runWideInScenario(key) : undefined) ?? `unknown option '${key}'; ${help}`,
  })
  if (!parsed.ok) {
    problems.push(...parsed.problems)
    return undefined
  }
  return parsed.data as ResolvedScenario
}

/** Thresholds keyed by a scenario that does not exist. */
function unknownScenarioProblems(defs: ValidatedLoad['thresholds'], names: string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  for (const def of defs) {
    const scenario = Object.hasOwn(def.tags, SCENARIO_TAG) ? def.tags[SCENARIO_TAG] : undefined
    if (scenario === undefined || names.includes(scenario)) continue
    const near = didYouMean(scenario, names)
    problems.push({
      path: def.path.replace(/\[\d+\](\.threshold)?$/, ''),
      message: `no scenario is named '${scenario}'; ${near.length > 0 ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}? The scenarios are` : 'the scenarios are'} ${names.join(', ')}`,
    })
  }
  // One problem per key, however many expressions it holds.
  return problems.filter((p, i) => problems.findIndex((q) => q.path === p.path) === i)
}

/** Limits of each scenario (paths under `scenarios.<name>`), and of the run they make together. */
function scenarioLimits(config: ScenariosConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  let end = 0
  for (const [name, scenario] of Object.entries(config.scenarios)) {
    const prefix = issuePath([name], 'scenarios')
    const own = limitProblems({ ...scenario, unbounded: config.unbounded })
    problems.push(...own.map((p) => ({ path: `${prefix}.${p.path}`, message: p.message })))
    const planned = scenario.startTime + (plannedLength(scenario) ?? 0)
    end = Math.max(end, planned)
    if (config.unbounded !== true && own.length === 0 && planned > LOAD_LIMITS.durationMs)
      problems.push({
        path: `${prefix}.startTime`,
        message: `with its startTime the scenario plans to run until ${Math.round(planned / 60_000)} minutes, above the limit of 24h; set unbounded: true beside scenarios if you mean it`,
      })
  }
  if (problems.length === 0 && end + config.gracefulStop > MAX_TIMER_MS)
    problems.push({
      path: 'scenarios',
      message: `the run would last ${Math.round((end + config.gracefulStop) / 3_600_000)}h with gracefulStop, past the timers' limit of 596h (2^31−1 ms, even with unbounded: true); split it into shorter runs`,
    })
  return problems
}

/**
 * Validates a config with scenarios before anything starts: the run-wide options, every scenario
 * as its executor's options plus startTime, and thresholds keyed by scenario. Every problem at
 * once, with its path (`scenarios.checkout.rate`), in one PerfConfigError.
 */
export function validateScenariosConfig(input: Record<string, unknown>): ValidatedLoad<ScenariosConfig> {
  const problems: ConfigProblem[] = []
  const { defs, problems: thresholdProblems, warnings } = compileThresholds(input.thresholds ?? {}, 'thresholds')
  const top = parseOptions(scenariosConfigSchema, input, {
    unknownKey: (key, path, help) => (path === '' ? topLevelKey(key, help) : undefined),
  })
  if (!top.ok) problems.push(...top.problems)
  const raw = input.scenarios
  const entries = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? Object.entries(raw) : []
  if (top.ok && entries.length === 0)
    problems.push({
      path: 'scenarios',
      message: "must name at least one scenario, e.g. { browse: { executor: 'constant-vus', vus: 10, duration: '30s' } }",
    })
  const scenarios: Record<string, ResolvedScenario> = {}
  for (const [name, value] of entries) {
    if (!SCENARIO_NAME.test(name) || name === '__proto__') {
      problems.push({
        path: issuePath([name], 'scenarios'),
        message: `the name ${JSON.stringify(name)} cannot name a scenario; use letters, digits, _ and - (it is the value of the ${SCENARIO_TAG} tag), not __proto__`,
      })
      continue
    }
    const scenario = parseScenario(name, value, problems)
    if (scenario) scenarios[name] = scenario
  }
  problems.push(
    ...thresholdProblems,
    ...unknownScenarioProblems(
      defs,
      entries.map(([name]) => name),
    ),
    ...windowProblems(defs),
  )
  const scale = readDurationScale(problems)
  if (problems.length > 0 || !top.ok) throw new PerfConfigError(problems)

  for (const scenario of Object.values(scenarios)) {
    scaleDurations(scenario as unknown as Record<string, unknown>, scale)
    if ('maxVUs' in scenario) scenario.preAllocatedVUs ??= Math.min(scenario.maxVUs, 10)
  }
  const { scenarios: _scenarios, thresholds: _thresholds, ...wide } = top.data
  const config: ScenariosConfig = {
    executor: 'scenarios',
    ...wide,
    gracefulStop: Math.max(...Object.values(scenarios).map((s) => s.gracefulStop)),
    scenarios,
  }
  const limits = scenarioLimits(config)
  if (limits.length > 0) throw new PerfConfigError(limits)
  return { config, thresholds: defs, warnings }
}

/** Whether `input` means scenarios: it has them, or a misspelling of them and no executor. */
function meansScenarios(input: Record<string, unknown>): boolean {
  if ('scenarios' in input) return true
  return input.executor === undefined && Object.keys(input).some((key) => didYouMean(key, ['scenarios']).length > 0)
}

/** Validates what runLoad() was given: one executor's config, or a config with scenarios. */
export function validateRunConfig(input: unknown): ValidatedLoad<ResolvedRunConfig> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input) && meansScenarios(input as Record<string, unknown>))
    return validateScenariosConfig(input as Record<string, unknown>)
  return validateLoadConfig(input)
}

const shardScenariosSchema = z.strictObject({
  executor: z.literal('scenarios'),
  name: z.string().optional(),
  gracefulStop: z.number().min(0),
  unbounded: z.boolean().optional(),
  scenarios: z.record(
    z
      .string()
      .regex(SCENARIO_NAME)
      .refine((name) => name !== '__proto__'),
    z.record(z.string(), z.unknown()),
  ),
})
const startTimeSchema = z.number().finite().min(0).max(MAX_TIMER_MS)

/**
 * Checks a resolved and split config as a driver receives it (one executor's, or scenarios) with
 * the schemas that validated it, without scaling it again.
 */
export function validateShardRunConfig(input: unknown): { ok: true; config: ResolvedRunConfig } | { ok: false; problems: ConfigProblem[] } {
  if ((input as { executor?: unknown } | null)?.executor !== 'scenarios') return validateShardConfig(input)
  const top = parseOptions(shardScenariosSchema, input)
  if (!top.ok) return top
  const problems: ConfigProblem[] = []
  const scenarios: Record<string, ResolvedScenario> = {}
  for (const [name, raw] of Object.entries(top.data.scenarios)) {
    const prefix = issuePath([name], 'scenarios')
    const { startTime, ...load } = raw
    const start = parseOptions(startTimeSchema, startTime, { prefix: `${prefix}.startTime` })
    const checked = validateShardConfig(load)
    if (!start.ok) problems.push(...start.problems)
    if (!checked.ok) problems.push(...checked.problems.map((p) => ({ path: `${prefix}.${p.path}`, message: p.message })))
    else if (start.ok) Object.defineProperty(scenarios, name, { value: { ...checked.config, startTime: start.data }, enumerable: true })
  }
  if (problems.length > 0) return { ok: false, problems }
  const gracefulStop = Math.max(0, ...Object.values(scenarios).map((sc) => sc.gracefulStop))
  return { ok: true, config: { ...top.data, gracefulStop, scenarios } }
}
