// Cost of the resource monitor (on by default): engine throughput with and without it, in one
// run, alternating rounds. Goal: < 2 % cost.
//   npm run bench:monitor
import { runLoad } from '../src/run/run-load.ts'
import { initHistograms } from '../src/metrics/histogram.ts'

const ROUNDS = 7
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const workloads = {
  'noop, c=1': { vus: 1, fn: async () => {} },
  'setImmediate hop, c=50': { vus: 50, fn: () => new Promise<void>((r) => setImmediate(r)) },
}

await initHistograms()
console.log(`node ${process.version}; ${ROUNDS} alternating rounds of 2 s each\n`)
for (const [name, w] of Object.entries(workloads)) {
  const on: number[] = []
  const off: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 === 0 ? [true, false] : [false, true]
    for (const monitored of order) {
      const r = await runLoad({ executor: 'constant-vus', vus: w.vus, duration: '2s' }, w.fn, monitored ? {} : { monitor: false })
      ;(monitored ? on : off).push(r.throughput)
    }
  }
  const cost = 1 - median(on) / median(off)
  console.log(
    `${name.padEnd(24)} without ${Math.round(median(off)).toLocaleString('en-US').padStart(11)}/s   with ${Math.round(median(on)).toLocaleString('en-US').padStart(11)}/s   cost ${(cost * 100).toFixed(2)} % (goal < 2 %) ${cost < 0.02 ? 'OK' : 'MISS'}`,
  )
}
