import { describe, expect, it } from 'vitest'
import { compareRepetitions } from '../../src/baselines/compare.ts'
import { formatComparison } from '../../src/baselines/format.ts'
import type { RepetitionSummary } from '../../src/core/result.ts'
import { mergeRepetitions, summarizeRepetition } from '../../src/run/repetitions.ts'
import { runLoad } from '../../src/run/run-load.ts'
import { parseResults } from '../../src/cli/read-results.ts'
import { fakeResult } from '../helpers/run-result.ts'

function rep(cpu?: { process: number; servers?: Record<string, number> }, p50 = 10): RepetitionSummary {
  const s = { count: 1000, min: 1, mean: p50, p50, p90: p50, p95: p50, p99: p50, p999: p50, max: p50 }
  return {
    iterations: 1000,
    durationMs: 1000,
    throughput: 1000,
    errorRate: 0,
    dropped: 0,
    latency: s,
    serviceTime: s,
    histograms: { latency: '', serviceTime: '' },
    ...(cpu ? { cpuPerIteration: cpu } : {}),
  }
}

describe('CPU per iteration', () => {
  it('is summarised per repetition from result.cpu, and the merged result sums it', async () => {
    const result = await runLoad(
      { executor: 'shared-iterations', vus: 1, iterations: 200 },
      () => {
        let x = 0
        for (let i = 0; i < 20_000; i++) x += Math.sqrt(i)
        if (x < 0) throw new Error('never')
      },
      { attach: false, repeat: 2 },
    )
    const [a, b] = result.repetitions!
    expect(a.cpuPerIteration!.process).toBeGreaterThan(0)
    expect(b.cpuPerIteration!.process).toBeGreaterThan(0)
    expect(result.cpu!.process).toBeGreaterThan(0)
    expect(a.probe!.before).toBeGreaterThan(0)
    expect(a.probe!.after).toBe(b.probe!.before)
  })

  it('per iteration is the run total divided by its iterations', async () => {
    const real = await runLoad({ executor: 'shared-iterations', vus: 1, iterations: 5 }, () => {}, { attach: false, probe: false })
    const run = { ...real, iterations: 400, cpu: { process: 100, servers: { postgres: 60 } }, probe: { before: 10, after: 11 } }
    expect(summarizeRepetition(run).cpuPerIteration).toEqual({ process: 0.25, servers: { postgres: 0.15 } })
    const merged = mergeRepetitions([run, { ...run, cpu: { process: 50, servers: { postgres: 40 } } }])
    expect(merged.cpu).toEqual({ process: 150, servers: { postgres: 100 } })
    expect(merged.probe).toBeUndefined()
  })

  it('is judged as cpu.process and cpu.<server> with its own floor', () => {
    const base = [0.1, 0.101, 0.099, 0.1, 0.1005].map((v) => rep({ process: v, servers: { postgres: v * 3 } }))
    // 4 % more: under the 5 % floor of CPU metrics, though significant
    const small = [0.104, 0.105, 0.103, 0.104, 0.1045].map((v) => rep({ process: v, servers: { postgres: v * 3 } }))
    const c = compareRepetitions(base, small, 'constant-vus')
    expect(c.metrics.map((m) => m.metric)).toEqual([
      'latency.p50',
      'latency.p95',
      'latency.p99',
      'errorRate',
      'throughput',
      'cpu.process',
      'cpu.postgres',
    ])
    expect(c.metrics.find((m) => m.metric === 'cpu.process')).toMatchObject({ verdict: 'PASS', unit: 'cpu ms' })
    const big = [0.12, 0.121, 0.119, 0.12, 0.1205].map((v) => rep({ process: v, servers: { postgres: v * 3 } }))
    const r = compareRepetitions(base, big, 'constant-vus')
    expect(r.metrics.find((m) => m.metric === 'cpu.postgres')).toMatchObject({ verdict: 'REGRESSION', severity: 'minor' })
    expect(formatComparison(r, 'x')).toMatch(/cpu\.postgres\s+0\.300ms\s+0\.360ms\s+\+20\.0%/)
  })

  it('old baselines without it: the metric is skipped with a note', () => {
    const c = compareRepetitions(
      Array.from({ length: 5 }, () => rep()),
      Array.from({ length: 5 }, () => rep({ process: 0.1 })),
      'constant-vus',
    )
    expect(c.metrics.some((m) => m.metric.startsWith('cpu.'))).toBe(false)
    expect(c.notes.join('\n')).toMatch(/cpu\.process not judged: the baseline has no CPU per iteration for it .*`vitest run -u` records it/)
    expect(c.verdict).toBe('PASS')
  })

  it('reports its noise, the smallest detectable change and the repetitions needed', () => {
    const noisy = [0.1, 0.12, 0.09, 0.11, 0.1].map((v) => rep({ process: v }))
    const c = compareRepetitions(noisy, noisy, 'constant-vus')
    const m = c.metrics.find((x) => x.metric === 'cpu.process')!
    expect(m.noise).toBeCloseTo(0.1483, 3)
    expect(m.detectable).toBeGreaterThan(0.3)
    expect(m.needed).toBeGreaterThan(5)
    expect(c.notes.join('\n')).toMatch(
      /repetitions to detect the target change at 80 % power: cpu\.process needs \d+ a side for a 10 % change \(~\d+ s of load a side\)/,
    )
  })
})

describe('a results file with CPU verdicts', () => {
  it('is read back by the CLI (cpu.<name> metrics in cpu ms)', () => {
    const comparison = compareRepetitions(
      [rep({ process: 1 }), rep({ process: 1.1 })],
      [rep({ process: 1 }), rep({ process: 1.05 })],
      'constant-vus',
    )
    expect(comparison.metrics.map((m) => [m.metric, m.unit])).toContainEqual(['cpu.process', 'cpu ms'])
    const file = { version: 1, tests: [{ results: [fakeResult({ baseline: comparison })] }] }
    const [read] = parseResults(JSON.stringify(file), 'results.json')
    expect(read.results[0].baseline?.metrics.map((m) => m.metric)).toContain('cpu.process')
  })
})

describe('a server with little CPU a repetition', () => {
  it('is not judged: a few 10 ms ticks are all rounding, and the note says so', () => {
    // 1000 iterations × 0.05 ms = 50 ms of Redis CPU a repetition: 5 ticks.
    const reps = (redis: number) => Array.from({ length: 5 }, () => rep({ process: 0.1, servers: { app: 0.3, redis } }))
    const c = compareRepetitions(reps(0.05), reps(0.08), 'constant-vus')
    expect(c.metrics.map((m) => m.metric)).toContain('cpu.app')
    expect(c.metrics.map((m) => m.metric)).not.toContain('cpu.redis')
    expect(c.notes.join('\n')).toMatch(/cpu\.redis not judged: the server used under 200 ms of CPU a repetition/)
  })
})
