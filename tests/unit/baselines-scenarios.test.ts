import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compareRepetitions } from '../../src/baselines/compare.ts'
import { matchBaseline } from '../../src/baselines/matcher.ts'
import { runLoad } from '../../src/run/run-load.ts'
import { formatComparison } from '../../src/baselines/format.ts'
import { loadModel, loadModelDifferences } from '../../src/baselines/load-model.ts'
import { readBaselines, writeBaselineEntry } from '../../src/baselines/store.ts'
import { validateScenariosConfig } from '../../src/config/scenarios.ts'
import type { ExecutorName } from '../../src/core/load-config.ts'
import type { RepetitionSummary, ScenarioRepetition } from '../../src/core/result.ts'
import { seededRandom } from '../../src/core/random.ts'

const random = seededRandom(7)
const noisy = (v: number, spread = 0.005) => v * (1 + (random() - 0.5) * 2 * spread)
const summary = (p50: number) => ({
  count: 1000,
  min: p50 / 2,
  mean: p50,
  p50,
  p90: p50 * 2,
  p95: p50 * 2.5,
  p99: p50 * 3,
  p999: p50 * 4,
  max: p50 * 5,
})

function scenario(executor: ExecutorName, p50: number, iterations: number): ScenarioRepetition {
  return {
    executor,
    iterations,
    durationMs: 1000,
    throughput: iterations,
    errorRate: 0,
    dropped: 0,
    latency: summary(p50),
    serviceTime: summary(p50),
  }
}

/** One repetition of browse (900 fast iterations) and checkout (100 slower ones), with the totals they make. */
function rep(checkoutP50: number): RepetitionSummary {
  const browse = scenario('constant-arrival-rate', noisy(10), 900)
  const checkout = scenario('constant-arrival-rate', noisy(checkoutP50), 100)
  return {
    iterations: 1000,
    durationMs: 1000,
    throughput: 1000,
    errorRate: 0,
    dropped: 0,
    // The totals barely see checkout: 10 % of the iterations.
    latency: summary(noisy(10)),
    serviceTime: summary(10),
    histograms: { latency: '', serviceTime: '' },
    scenarios: { browse, checkout },
  }
}

const reps = (n: number, checkoutP50: number) => Array.from({ length: n }, () => rep(checkoutP50))

describe('baselines of runs with scenarios', () => {
  it('judge each scenario too: a slower checkout is a REGRESSION even when the totals hold', () => {
    const c = compareRepetitions(reps(6, 40), reps(6, 60), 'scenarios')
    expect(c.verdict).toBe('REGRESSION')
    const totals = c.metrics.filter((m) => m.scenario === undefined)
    expect(totals.map((m) => m.metric)).toEqual(['latency.p50', 'latency.p95', 'latency.p99', 'errorRate'])
    expect(totals.every((m) => m.verdict === 'PASS')).toBe(true)
    const checkout = c.metrics.filter((m) => m.scenario === 'checkout')
    expect(checkout.map((m) => [m.metric, m.verdict])).toEqual([
      ['latency.p50', 'REGRESSION'],
      ['latency.p95', 'REGRESSION'],
      ['latency.p99', 'REGRESSION'],
      ['errorRate', 'PASS'],
    ])
    expect(c.metrics.filter((m) => m.scenario === 'browse').every((m) => m.verdict === 'PASS')).toBe(true)
    expect(formatComparison(c, 'against its baseline')).toMatch(/^latency\.p95\{scenario:checkout\}\s+99\.\dms\s+149\.\dms\s+\+50\.\d%/m)
  })

  it('judge the throughput of a closed scenario, and of the totals when any scenario is closed', () => {
    const closed = (r: RepetitionSummary) => ({
      ...r,
      scenarios: { ...r.scenarios, checkout: { ...r.scenarios!.checkout, executor: 'constant-vus' as const } },
    })
    const c = compareRepetitions(reps(5, 40).map(closed), reps(5, 40).map(closed), 'scenarios')
    expect(c.metrics.filter((m) => m.metric === 'throughput').map((m) => m.scenario ?? 'run')).toEqual(['run', 'checkout'])
  })

  it('keep each scenario in the committed file, and name a changed scenario field by field', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vp-scenario-baseline-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const file = path.join(dir, 'shop.json')
    const environment = { cpuModel: 'x', cpus: 2, memoryGB: 4, os: 'linux', arch: 'x64', node: 'v24', infra: [], calibration: 1 }
    const config = (rate: number) =>
      validateScenariosConfig({
        scenarios: {
          browse: { executor: 'constant-arrival-rate', rate: 200, duration: '1m' },
          checkout: { executor: 'constant-arrival-rate', rate, duration: '1m', gracefulStop: '1s' },
        },
      }).config
    await writeBaselineEntry(file, 'shop', { createdAt: 'now', loadModel: loadModel(config(20)), environment, repetitions: reps(2, 40) })
    const read = (await readBaselines(file))!.entries.shop
    expect(read.repetitions[0].scenarios?.checkout).toMatchObject({ executor: 'constant-arrival-rate', iterations: 100 })
    expect(read.loadModel.scenarios).toMatchObject({ checkout: { rate: 20 } })
    expect(read.loadModel.scenarios).not.toHaveProperty('checkout.gracefulStop')
    expect(loadModelDifferences(read.loadModel, loadModel(config(30)))).toEqual(['scenarios.checkout.rate: 20 → 30'])
  })

  it('toMatchBaseline(): records a run with scenarios, then judges its scenarios against it', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'vp-scenario-match-'))
    afterAll(() => rmSync(root, { recursive: true, force: true }))
    const run = () =>
      runLoad(
        {
          scenarios: {
            reads: { executor: 'shared-iterations', vus: 2, iterations: 50 },
            writes: { executor: 'per-vu-iterations', vus: 1, iterations: 10, startTime: '10ms' },
          },
        },
        { reads: async () => {}, writes: async () => {} },
        { attach: false, repeat: 2, monitor: false, probe: false },
      )
    const ctx = { root, baselines: 'baselines', testPath: path.join(root, 'shop.test.ts'), testName: 'shop' }
    const written = await matchBaseline(await run(), { ...ctx, update: 'new' })
    expect(written.notes[0]).toMatch(/^baseline written to/)
    const entry = (await readBaselines(path.join(root, 'baselines', 'shop.test.ts.json')))!.entries.shop
    expect(entry.repetitions.map((r) => Object.keys(r.scenarios ?? {}))).toEqual([
      ['reads', 'writes'],
      ['reads', 'writes'],
    ])
    const compared = await matchBaseline(await run(), { ...ctx, update: 'none' }, { maxReruns: 0 })
    expect([...new Set(compared.metrics.map((m) => m.scenario ?? 'run'))]).toEqual(['run', 'reads', 'writes'])
  })
})
