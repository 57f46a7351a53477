import { afterEach, describe, expect, it, vi } from 'vitest'
import { validateScenariosConfig, validateShardRunConfig } from '../../src/config/scenarios.ts'
import { PerfConfigError, type ConfigProblem } from '../../src/core/errors.ts'
import { splitConfig } from '../../src/engine/shards/split.ts'
import { runLoad } from '../../src/run/run-load.ts'

const noop = async () => {}

/** The problems runLoad() throws before anything starts (it must throw a PerfConfigError). */
async function problemsOf(config: unknown, workflows: unknown): Promise<ConfigProblem[]> {
  const ran = (runLoad as (c: unknown, w: unknown, o: object) => Promise<unknown>)(config, workflows, { attach: false })
  const error = await ran.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(PerfConfigError)
  expect((error as PerfConfigError).code).toBe('PERF_CONFIG_INVALID')
  return (error as PerfConfigError).problems
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('a config with scenarios', () => {
  it('resolves each scenario as its executor does, with startTime in ms and the longest gracefulStop for the run', () => {
    const { config, thresholds } = validateScenariosConfig({
      name: 'shop',
      scenarios: {
        browse: { executor: 'constant-arrival-rate', rate: 200, duration: '1m', maxVUs: 100 },
        admin: { executor: 'ramping-vus', startTime: '30s', gracefulStop: '20s', stages: [{ duration: '30s', target: 5 }] },
      },
      thresholds: { 'latency{scenario:browse}': ['p(95)<300ms'] },
    })
    expect(config).toEqual({
      executor: 'scenarios',
      name: 'shop',
      gracefulStop: 20_000,
      scenarios: {
        browse: {
          executor: 'constant-arrival-rate',
          rate: 200,
          duration: 60_000,
          timeUnit: 1000,
          maxVUs: 100,
          preAllocatedVUs: 10,
          overload: 'drop',
          maxQueue: 10_000,
          gracefulStop: 10_000,
          startTime: 0,
        },
        admin: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: 30_000, target: 5 }], gracefulStop: 20_000, startTime: 30_000 },
      },
    })
    expect(thresholds.map((t) => [t.metric, t.tags])).toEqual([['latency{scenario:browse}', { scenario: 'browse' }]])
  })

  it('scales startTime with the durations (VITEST_PERF_DURATION_SCALE)', () => {
    vi.stubEnv('VITEST_PERF_DURATION_SCALE', '0.1')
    const { config } = validateScenariosConfig({
      scenarios: { later: { executor: 'constant-vus', duration: '10s', startTime: '30s' } },
    })
    expect(config.scenarios.later).toMatchObject({ duration: 1000, startTime: 3000 })
  })

  it('reports every problem at once: missing and extra workflows, unknown keys, misplaced options, unknown scenarios in thresholds', async () => {
    const problems = await problemsOf(
      {
        scenarios: {
          browse: { executor: 'constant-arrival-rate', rate: 200, duration: '1m', maxVus: 100 },
          checkout: { executor: 'constant-arival-rate', rate: 20, duration: '1m' },
          admin: { executor: 'ramping-vus', stages: [{ duration: '30s', target: 5 }], thresholds: { latency: ['p(95)<1s'] }, workers: 2 },
        },
        gracefulStop: '5s',
        tresholds: {},
        thresholds: { 'latency{scenario:chekout}': ['p(95)<300ms'], 'errors{scenario:admin}': ['rate<1%'] },
      },
      { browse: noop, chekout: noop, report: noop },
    )
    expect(problems).toEqual([
      { path: 'gracefulStop', message: 'gracefulStop is an option of one scenario: put it inside the scenario it belongs to' },
      { path: 'tresholds', message: "unknown option 'tresholds'; did you mean 'thresholds'?" },
      { path: 'scenarios.browse.maxVus', message: "unknown option 'maxVus'; did you mean 'maxVUs'?" },
      {
        path: 'scenarios.checkout.executor',
        message: expect.stringMatching(/^unknown executor "constant-arival-rate"; did you mean 'constant-arrival-rate'\?/),
      },
      {
        path: 'scenarios.admin.thresholds',
        message: expect.stringContaining(
          "thresholds belong to the whole config: put them beside scenarios, keyed by scenario, e.g. thresholds: { 'latency{scenario:name}'",
        ),
      },
      {
        path: 'scenarios.admin.workers',
        message: 'workers applies to the whole run: put it beside scenarios, where it applies to every scenario',
      },
      {
        path: 'thresholds["latency{scenario:chekout}"]',
        message: "no scenario is named 'chekout'; did you mean 'checkout'? The scenarios are browse, checkout, admin",
      },
      { path: 'workflows.checkout', message: "scenario 'checkout' has no workflow; add checkout: async (ctx) => { … }" },
      { path: 'workflows.admin', message: "scenario 'admin' has no workflow; add admin: async (ctx) => { … }" },
      {
        path: 'workflows.chekout',
        message:
          "no scenario is named 'chekout' (did you mean 'checkout'?); every workflow needs a scenario of that name in config.scenarios",
      },
      {
        path: 'workflows.report',
        message:
          "no scenario is named 'report'; every workflow needs a scenario of that name in config.scenarios (browse, checkout, admin)",
      },
    ])
  })

  it('types the workflows by the scenario names', () => {
    const config = {
      scenarios: { a: { executor: 'constant-vus', duration: '1s' }, b: { executor: 'constant-vus', duration: '1s' } },
    } as const
    // @ts-expect-error: scenario b has no workflow
    const missing = () => runLoad(config, { a: noop })
    // @ts-expect-error: there is no scenario c
    const extra = () => runLoad(config, { a: noop, b: noop, c: noop })
    expect([typeof missing, typeof extra]).toEqual(['function', 'function'])
  })

  it('reports workflow problems of a valid config in one error too', async () => {
    const problems = await problemsOf({ scenarios: { a: { executor: 'constant-vus', duration: '1s' } } }, { a: 'fast', b: noop })
    expect(problems.map((p) => p.path)).toEqual(['workflows.a', 'workflows.b'])
    expect(problems[0].message).toMatch(/^must be a function \(ctx\) => \{ … \} or a load module/)
  })

  it('takes its workflows by scenario name, not one function', async () => {
    const problems = await problemsOf({ scenarios: { a: { executor: 'constant-vus', duration: '1s' } } }, noop)
    expect(problems).toEqual([
      {
        path: 'workflows',
        message: 'a config with scenarios takes its workflows by scenario name: runLoad({ scenarios }, { a: … }), got one function',
      },
    ])
  })

  it.each([
    [{ scenarios: {} }, 'scenarios', /^must name at least one scenario/],
    [
      { scenarios: { 'a b': { executor: 'constant-vus', duration: '1s' } } },
      'scenarios.a b',
      /cannot name a scenario; use letters, digits, _ and -/,
    ],
    [{ scenarios: { a: 5 } }, 'scenarios.a', /^must be an object like/],
    [
      { scenarios: { a: { executor: 'constant-vus', duration: '1s', startTime: 'soon' } } },
      'scenarios.a.startTime',
      /^cannot parse duration "soon"/,
    ],
    [{ scenarios: { a: { executor: 'constant-vus' } } }, 'scenarios.a.duration', /^unbounded run: constant-vus needs a duration/],
    [{ scenarios: { a: { executor: 'constant-vus', duration: '1s' } }, executor: 'constant-vus' }, 'executor', /inside each scenario/],
    [{ scenarios: { a: { executor: 'constant-vus', duration: '1s', vus: 20_000 } } }, 'scenarios.a.vus', /above the limit of 10000 VUs/],
    [
      { scenarios: { a: { executor: 'constant-vus', duration: '1h', startTime: '23h30m' } } },
      'scenarios.a.startTime',
      /above the limit of 24h/,
    ],
    [
      { scenarios: { a: { executor: 'constant-vus', duration: '1s' } }, thresholds: { 'latency{scenario:a}': ['p(95)<1s over 1s'] } },
      'thresholds.latency{scenario:a}',
      /windows/,
    ],
    [{ scenario: { a: { executor: 'constant-vus', duration: '1s' } } }, 'scenario', /did you mean 'scenarios'\?/],
  ])('%j: %s', (input, path, message) => {
    let problems: ConfigProblem[] = []
    try {
      validateScenariosConfig(input as Record<string, unknown>)
    } catch (e) {
      problems = (e as PerfConfigError).problems
    }
    expect(problems.find((p) => p.path === path)?.message).toMatch(message)
  })

  it('lifts the limits of every scenario with unbounded: true beside scenarios', () => {
    const { config } = validateScenariosConfig({
      unbounded: true,
      scenarios: { a: { executor: 'constant-vus', duration: '1s', vus: 20_000 } },
    })
    expect(config.scenarios.a).toMatchObject({ vus: 20_000 })
  })

  it('checks sharding per scenario: load modules, and VUs for every worker', async () => {
    const problems = await problemsOf(
      {
        workers: 4,
        scenarios: {
          a: { executor: 'constant-vus', vus: 2, duration: '1s' },
          b: { executor: 'constant-arrival-rate', rate: 10, duration: '1s', maxVUs: 8 },
        },
      },
      { a: noop, b: { module: new URL('../fixtures/load/spin.ts', import.meta.url) } },
    )
    expect(problems.map((p) => p.path)).toEqual(['workflows.a', 'scenarios.a.vus'])
    expect(problems[0].message).toMatch(/^workers run in other threads and cannot take a function; pass a load module: \{ module/)
    expect(problems[1].message).toMatch(/^is 2, fewer than the 4 workers sharing the load/)
  })
})

describe('split and checked again for shards', () => {
  const { config } = validateScenariosConfig({
    workers: 2,
    scenarios: {
      a: { executor: 'constant-vus', vus: 3, duration: '1s', startTime: '2s' },
      b: { executor: 'constant-arrival-rate', rate: 10, duration: '1s', maxVUs: 4 },
    },
  })

  it('splits every scenario like a run of its own and keeps its startTime', () => {
    const parts = [0, 1].map((i) => splitConfig(config, 2, i))
    expect(parts.map((p) => p.scenarios.a)).toMatchObject([
      { vus: 2, startTime: 2000 },
      { vus: 1, startTime: 2000 },
    ])
    expect(parts.map((p) => p.scenarios.b)).toMatchObject([
      { rate: 5, maxVUs: 2, phase: 0 },
      { rate: 5, maxVUs: 2, phase: 0.5 },
    ])
    expect(parts[0]).not.toHaveProperty('workers')
  })

  it('accepts a split config as a driver receives it, and refuses a broken one', () => {
    const part = JSON.parse(JSON.stringify(splitConfig(config, 2, 1)))
    expect(validateShardRunConfig(part)).toEqual({ ok: true, config: part })
    part.scenarios.a.startTime = -1
    part.scenarios.b.rate = 'fast'
    const checked = validateShardRunConfig(part)
    expect(checked.ok).toBe(false)
    expect(!checked.ok && checked.problems.map((p) => p.path)).toEqual(['scenarios.a.startTime', 'scenarios.b.rate'])
  })
})
