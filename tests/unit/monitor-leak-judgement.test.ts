import { describe, expect, it } from 'vitest'
import type { ResourceSample } from '../../src/core/resource-sample.ts'
import type { RunResult } from '../../src/core/result.ts'
import { Prng } from '../../src/core/random.ts'
import { analyseLeaks } from '../../src/monitor/leak.ts'
import { checkNoLeak } from '../../src/monitor/matchers.ts'
import { GROWTH_FLOOR_BYTES, judgeGrowth, judgeTrend, runNeeded } from '../../src/monitor/memory-growth.ts'

const KB = 1024
const MB = 2 ** 20

interface Shape {
  seconds: number
  seed: number
  /** Bytes per minute kept on purpose. */
  leak?: number
  /** Bytes of ArrayBuffers kept per second. */
  bufferLeak?: number
  /** Live heap that grows once and levels off (feedback vectors, caches of code getting hot). */
  settle?: number
  /** A full GC before every sample (preciseHeap). */
  precise?: boolean
  /** V8's own major GC every this many seconds (default: none during the run). */
  majorEvery?: number
  /** A 1 MB Buffer allocated and dropped every half second. */
  bufferChurn?: boolean
}

// A run's samples as the monitor takes them: what is live (a base, settling, the run's own
// per-second records, a leak, ±20 KB of noise), garbage on top of it (young garbage cleared
// every 4 s, promoted garbage cleared by major GCs), the heap after V8's major GCs (with up
// to 100 KB of floating garbage) or after forced full GCs, and the full GC at the end.
function samples(shape: Shape): ResourceSample[] {
  const random = new Prng(shape.seed)
  const live = (t: number) =>
    20 * MB +
    (shape.settle ?? 0) * (1 - Math.exp(-t / 5)) +
    (0.05 * MB * t) / 60 +
    ((shape.leak ?? 0) * t) / 60 +
    (random.next() - 0.5) * 40 * KB
  const buffers = (t: number) => 300 * KB + (shape.bufferLeak ?? 0) * t
  let oldGarbage = 0
  const out: ResourceSample[] = []
  const at = (t: number, kind: 'sample' | 'major' | 'full'): ResourceSample => {
    const l = live(t)
    const young = (t % 4) * 200 * KB
    if (kind !== 'sample') oldGarbage = 0
    else oldGarbage += 30 * KB
    const churn = shape.bufferChurn && kind === 'sample' ? (Math.floor(t * 2) % 30) * MB : 0
    const sample: ResourceSample = {
      t,
      cpu: 5,
      rss: 100 * MB,
      heapUsed: l + 8 * MB + young + oldGarbage,
      heapObjects: l + (kind === 'full' ? 0 : young + oldGarbage),
      external: buffers(t) + churn + 2 * MB,
      arrayBuffers: buffers(t) + churn,
      eventLoop: { p50: 0, p99: 1, max: 2, utilization: 0.1 },
      handles: { Timeout: 2 },
    }
    if (kind === 'major') sample.heapObjectsAfterGc = l + random.next() * 100 * KB
    if (kind === 'full') Object.assign(sample, { heapObjectsAfterGc: l, afterFullGc: true })
    return sample
  }
  for (let t = 1; t <= shape.seconds; t++) {
    const kind = shape.precise ? 'full' : shape.majorEvery && t % shape.majorEvery === 0 ? 'major' : 'sample'
    out.push(at(t, kind))
  }
  out.push(at(shape.seconds + 0.3, 'full'))
  return out
}

// 20 runs of each short shape; fewer of the long ones, whose slopes take longer to fit.
const seedsFor = (seconds: number) => Array.from({ length: seconds > 60 ? 4 : 20 }, (_, i) => i + 1)
const seeds = seedsFor(60)
const defaults = { heap: MB, external: MB, arrayBuffers: MB, handles: 1 }
const heapOf = (shape: Shape) => analyseLeaks({ resources: samples(shape) }, defaults).find((f) => f.series === 'heap')!

describe('the default judgement on runs that keep nothing', () => {
  it.each([15, 30, 60, 120, 300])('%i s: settling, records and noise never read as a leak (precise or not)', (seconds) => {
    for (const seed of seedsFor(seconds))
      for (const precise of [true, false])
        for (const majorEvery of [undefined, 7]) {
          const findings = analyseLeaks({ resources: samples({ seconds, seed, precise, majorEvery, settle: 400 * KB }) }, defaults)
          expect(findings.filter((f) => f.leak)).toEqual([])
        }
  })

  it('a 1 MB Buffer allocated and dropped every half second is not an ArrayBuffer leak', () => {
    for (const seed of seeds) {
      const findings = analyseLeaks({ resources: samples({ seconds: 30, seed, bufferChurn: true }) }, defaults)
      expect(findings.filter((f) => f.leak)).toEqual([])
    }
  })

  it('growth of the live heap right at the end, under the floor, is not a leak however short the time', () => {
    const resources = samples({ seconds: 20, seed: 1, precise: true })
    resources.at(-1)!.heapObjectsAfterGc! += 300 * KB
    resources.at(-1)!.heapObjects! += 300 * KB
    expect(heapOf({ seconds: 20, seed: 1 }).leak).toBe(false)
    expect(analyseLeaks({ resources }, defaults).find((f) => f.series === 'heap')!.leak).toBe(false)
  })
})

describe('the default judgement on runs that leak', () => {
  it.each([60, 120, 300])('1 MB/min, live heap measured every second (preciseHeap): fails at %i s', (seconds) => {
    for (const seed of seedsFor(seconds)) {
      const heap = heapOf({ seconds, seed, precise: true, leak: MB, settle: 400 * KB })
      expect(heap.leak).toBe(true)
      expect(heap.evidence).toMatchObject({ kind: 'trend' })
    }
  })

  it('1 MB/min at 15 and 30 s: too short to tell from settling, so it passes and says so', () => {
    for (const seconds of [15, 30]) {
      const heap = heapOf({ seconds, seed: 3, precise: true, leak: MB })
      expect(heap).toMatchObject({ leak: false, inconclusive: 'too-short' })
    }
  })

  it('5 MB/min fails at 15 s with preciseHeap', () => {
    for (const seed of seeds) expect(heapOf({ seconds: 15, seed, precise: true, leak: 5 * MB, settle: 400 * KB }).leak).toBe(true)
  })

  it("without preciseHeap, V8's own major GCs give the early live samples: 1 MB/min fails at 120 s", () => {
    for (const seed of seedsFor(120)) {
      const heap = heapOf({ seconds: 120, seed, majorEvery: 15, leak: MB })
      expect(heap.leak).toBe(true)
    }
  })

  it('without any major GC before the end, garbage hides a slow leak: it passes as not judged', () => {
    const heap = heapOf({ seconds: 60, seed: 2, leak: MB })
    expect(heap).toMatchObject({ leak: false, inconclusive: 'garbage' })
  })

  it('a fast leak shows through the garbage even without a major GC, as a lower bound', () => {
    const heap = heapOf({ seconds: 15, seed: 2, leak: 30 * MB })
    expect(heap.leak).toBe(true)
    expect(heap.evidence).toMatchObject({ kind: 'bound' })
  })

  it('4 KB of Buffers kept per request at 100/s fails external and arrayBuffers in 15 s, without preciseHeap', () => {
    const findings = analyseLeaks({ resources: samples({ seconds: 15, seed: 1, bufferLeak: 400 * KB }) }, defaults)
    expect(findings.filter((f) => f.leak).map((f) => f.series)).toEqual(['external', 'arrayBuffers'])
  })
})

describe('judgeGrowth', () => {
  it('needs a live sample to end on', () => {
    expect(judgeGrowth([{ t: 1, upper: 5 }], 1)).toBeUndefined()
  })

  it('takes the lower bound with the fastest growth among those that reach the floor', () => {
    const points = [
      { t: 10, upper: 10 * MB },
      { t: 20, upper: 9 * MB },
      { t: 50, upper: 10.5 * MB },
      { t: 60, upper: 11 * MB, live: 11 * MB },
    ]
    const judged = judgeGrowth(points, MB / 60)!
    expect(judged.evidence).toEqual({ kind: 'bound', perSecond: (2 * MB) / 40, growth: 2 * MB, from: 20, to: 60 })
    expect(judged.leak).toBe(true)
  })

  it('a steep trend that grew less than the floor is no leak', () => {
    const points = Array.from({ length: 6 }, (_, i) => ({ t: i, upper: 10 * MB + i * 50 * KB, live: 10 * MB + i * 50 * KB }))
    const judged = judgeGrowth(points, MB / 60)!
    expect(judged.evidence).toMatchObject({ kind: 'trend', growth: 250 * KB })
    expect(judged.leak).toBe(false)
  })

  it('runNeeded: the run whose judged part (after 2 s or 10 % of warm-up) lets a leak at the limit reach the floor', () => {
    expect(runNeeded(MB / 60, GROWTH_FLOOR_BYTES)).toBe(34)
    expect(runNeeded((2 * MB) / 60, GROWTH_FLOOR_BYTES)).toBe(17)
    expect(runNeeded((5 * MB) / 60, GROWTH_FLOOR_BYTES)).toBe(8)
  })
})

describe('judgeTrend (handles, RSS)', () => {
  const handles = (f: (t: number) => number) => Array.from({ length: 60 }, (_, i) => ({ t: i + 1, value: f(i + 1) }))

  it('one more socket opened half-way is not a handle leak', () => {
    expect(
      judgeTrend(
        handles((t) => (t > 30 ? 3 : 2)),
        1 / 60,
        2,
      )!.leak,
    ).toBe(false)
  })

  it('a socket kept every 10 s is', () => {
    expect(
      judgeTrend(
        handles((t) => 2 + Math.floor(t / 10)),
        1 / 60,
        2,
      )!.leak,
    ).toBe(true)
  })
})

describe('toHaveNoLeak() limits', () => {
  const result = (shape: Shape) => ({ resources: samples(shape), timeline: [] }) as unknown as RunResult

  it('checks external memory and ArrayBuffers by default, also beside a heap limit', () => {
    const leaking = result({ seconds: 20, seed: 4, bufferLeak: 400 * KB })
    for (const limits of [undefined, { heap: '< 2MB/min' }]) {
      const outcome = checkNoLeak(leaking, limits)
      expect(outcome.pass).toBe(false)
      expect(outcome.message()).toMatch(
        /^Leak: 2 series grow faster than allowed \(heap < [12]MB\/min, external < 1MB\/min, arrayBuffers < 1MB\/min, handles < 1\/min\):\n {2}- external: /,
      )
      expect(outcome.message()).toMatch(/\n {2}- arrayBuffers: \d+\.\d\dMB\/min at least \(\+\d+\.\d\dMB from /)
    }
    expect(checkNoLeak(leaking, { external: false, arrayBuffers: false }).pass).toBe(true)
  })

  it('a clean run too short to judge passes, and says why and how long a run it takes', () => {
    const outcome = checkNoLeak(result({ seconds: 15, seed: 5, precise: true }))
    expect(outcome.pass).toBe(true)
    expect(outcome.notes).toEqual([
      expect.stringMatching(
        /^toHaveNoLeak: too short to judge heap, external and arrayBuffers at < 1MB\/min: a leak at that rate grows 0\.2\dMB in the 1\d\.\ds judged, under the 0\.50MB .* a run of ≥ 34s/,
      ),
    ])
  })

  it('a clean run without early live samples passes; the heap, hidden by garbage, is not judged, and the note points at preciseHeap', () => {
    const outcome = checkNoLeak(result({ seconds: 60, seed: 5 }))
    expect(outcome.pass).toBe(true)
    expect(outcome.notes).toEqual([
      expect.stringMatching(/^toHaveNoLeak: heap not judged at < 1MB\/min: garbage could hide such a leak .*preciseHeap: true/),
    ])
  })

  it('ArrayBuffers churning without a full GC before the end are not judged either; flat ones are', () => {
    const churn = analyseLeaks({ resources: samples({ seconds: 60, seed: 6, bufferChurn: true }) }, defaults)
    expect(churn.find((f) => f.series === 'arrayBuffers')).toMatchObject({ leak: false, inconclusive: 'garbage' })
    const flat = analyseLeaks({ resources: samples({ seconds: 60, seed: 6 }) }, defaults)
    expect(flat.find((f) => f.series === 'arrayBuffers')).toMatchObject({ leak: false })
    expect(flat.find((f) => f.series === 'arrayBuffers')!.inconclusive).toBeUndefined()
  })
})
