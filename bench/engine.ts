// Engine overhead and precision, measured against anchors in the same process and run.
//   npm run bench:engine            (add -- --quick for a 10 s RSS run instead of 60 s)
// 1. noop workflow, constant-vus c=1 and c=100, against a hand-written loop that records the same
//    two timings into the same kind of histogram: ratio of iterations/s (goal ≥ 0.8).
// 2. constant-arrival-rate 10 000/s for 5 s: achieved rate within 1 %.
// 3. RSS growth over a 60 s run at 10 000/s (goal < 10 MB).
import { runLoad } from '../src/run/run-load.ts'
import { createHistogram, initHistograms } from '../src/metrics/histogram.ts'

const quick = process.argv.includes('--quick')
const noop = async () => {}

async function handLoop(concurrency: number, ms: number): Promise<number> {
  const latency = createHistogram()
  const service = createHistogram()
  const end = performance.now() + ms
  let n = 0
  const loop = async () => {
    for (;;) {
      const start = performance.now()
      if (start >= end) return
      await noop()
      const t = performance.now()
      latency.recordValue(Math.round((t - start) * 1000))
      service.recordValue(Math.round((t - start) * 1000))
      n++
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, loop))
  const rate = (n * 1000) / (performance.now() - t0)
  latency.destroy()
  service.destroy()
  return rate
}

async function engine(concurrency: number, ms: number): Promise<number> {
  const r = await runLoad({ executor: 'constant-vus', vus: concurrency, duration: ms }, noop)
  return r.throughput
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

await initHistograms()
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`)
console.log('1. noop workflow: engine vs hand-written loop (iterations/s, median of 5 alternating rounds of 1 s)')
for (const c of [1, 100]) {
  const hand: number[] = []
  const ours: number[] = []
  await engine(c, 300)
  for (let round = 0; round < 5; round++) {
    hand.push(await handLoop(c, 1000))
    ours.push(await engine(c, 1000))
  }
  const ratio = median(ours) / median(hand)
  console.log(
    `   c=${String(c).padEnd(3)} hand ${fmt(median(hand)).padStart(11)}/s   engine ${fmt(median(ours)).padStart(11)}/s   ratio ${ratio.toFixed(2)}  (goal ≥ 0.80) ${ratio >= 0.8 ? 'OK' : 'MISS'}`,
  )
}

console.log('\n2. constant-arrival-rate 10 000/s for 5 s')
{
  const r = await runLoad({ executor: 'constant-arrival-rate', rate: 10_000, duration: '5s', preAllocatedVUs: 50, maxVUs: 500 }, noop)
  // Achieved over the wall time of the run (until the last iteration finished), not the plan.
  const achieved = (r.iterations * 1000) / r.durationMs
  const error = Math.abs(achieved - 10_000) / 10_000
  const whole = r.timeline.filter((p) => p.ms >= 1000).map((p) => p.iterations)
  console.log(
    `   planned 50,000, iterations ${fmt(r.iterations)}, dropped ${r.dropped}, achieved ${fmt(achieved)}/s over ${(r.durationMs / 1000).toFixed(3)} s (${(error * 100).toFixed(2)} % off, goal < 1 %) ${error < 0.01 ? 'OK' : 'MISS'}`,
  )
  console.log(`   per whole second: min ${fmt(Math.min(...whole))}, max ${fmt(Math.max(...whole))}`)
  console.log(`   latency from planned start p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms max ${r.latency.max} ms`)
}

const soakSeconds = quick ? 10 : 60
console.log(`\n3. RSS over a ${soakSeconds} s run at 10 000/s`)
{
  await runLoad({ executor: 'constant-arrival-rate', rate: 10_000, duration: '2s', maxVUs: 500 }, noop)
  globalThis.gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  const before = process.memoryUsage().rss
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250)
  const r = await runLoad(
    { executor: 'constant-arrival-rate', rate: 10_000, duration: soakSeconds * 1000, preAllocatedVUs: 50, maxVUs: 500 },
    noop,
  )
  clearInterval(sampler)
  globalThis.gc?.()
  const after = process.memoryUsage().rss
  const heapAfter = process.memoryUsage().heapUsed
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1)
  const growth = (after - before) / 1024 / 1024
  console.log(
    `   iterations ${fmt(r.iterations)}, dropped ${r.dropped}; RSS before ${mb(before)} MB, after ${mb(after)} MB, peak ${mb(peak)} MB`,
  )
  console.log(`   heap used before ${mb(heapBefore)} MB, after ${mb(heapAfter)} MB; timeline ${r.timeline.length} points`)
  console.log(`   RSS growth ${growth.toFixed(1)} MB (goal < 10 MB) ${growth < 10 ? 'OK' : 'MISS'}`)
}
