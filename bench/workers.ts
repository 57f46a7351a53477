// Scaling from 1 to 2 worker threads, measured in one run.
//   npm run bench:workers            (add -- --seconds 10 for longer rounds)
// A CPU-bound workflow (SHA-256 rounds, the load module tests/fixtures/load/spin.ts) under
// constant-vus: a hand-written loop in one thread and in two threads (the anchors), the engine in
// this thread, and the engine with workers: 2. Rounds are interleaved and repeated; medians are
// printed with the ratios (goal: workers: 2 close to the two-thread hand loop).
import { createHash } from 'node:crypto'
import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { parseArgs } from 'node:util'
import { runLoad } from '../src/run/run-load.ts'
import spin from '../tests/fixtures/load/spin.ts'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' } } })
const ms = Number(values.seconds) * 1000
const ROUNDS = 50
const module = { module: new URL('../tests/fixtures/load/spin.ts', import.meta.url), data: { rounds: ROUNDS } }

function hand(): number {
  const block = Buffer.alloc(256, 7)
  const end = performance.now() + ms
  let n = 0
  const t0 = performance.now()
  while (performance.now() < end) {
    let h = block
    for (let i = 0; i < ROUNDS; i++) h = createHash('sha256').update(h).digest()
    n++
  }
  return (n * 1000) / (performance.now() - t0)
}

// The machine's own two-thread ceiling: the same hand loop in two worker threads at once.
const HAND_SOURCE = `
const { createHash } = require('node:crypto')
const { parentPort, workerData } = require('node:worker_threads')
const block = Buffer.alloc(256, 7)
const end = performance.now() + workerData.ms
let n = 0
const t0 = performance.now()
while (performance.now() < end) {
  let h = block
  for (let i = 0; i < workerData.rounds; i++) h = createHash('sha256').update(h).digest()
  n++
}
parentPort.postMessage((n * 1000) / (performance.now() - t0))
`

async function handThreads(threads: number): Promise<number> {
  const rates = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(HAND_SOURCE, { eval: true, workerData: { ms, rounds: ROUNDS } })
          w.once('message', (rate: number) => void w.terminate().then(() => resolve(rate)))
          w.once('error', reject)
        }),
    ),
  )
  return rates.reduce((a, b) => a + b, 0)
}

async function engine(workers: number): Promise<number> {
  const r = await runLoad({ executor: 'constant-vus', vus: 4, duration: ms, workers }, workers === 1 ? spin({ rounds: ROUNDS }) : module, {
    attach: false,
    monitor: false,
  })
  return r.throughput
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const results = { hand: [] as number[], hand2: [] as number[], one: [] as number[], two: [] as number[] }
for (let i = 0; i < Number(values.rounds); i++) {
  results.hand.push(hand())
  results.hand2.push(await handThreads(2))
  results.one.push(await engine(1))
  results.two.push(await engine(2))
}
const f = (x: number) => `${Math.round(x).toLocaleString('en')}/s`
console.log(
  `cpus ${os.availableParallelism()}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}, ${Number(values.rounds)} rounds of ${ms / 1000}s, ${ROUNDS} SHA-256 per iteration`,
)
console.log(`hand loop, one thread   ${f(median(results.hand))}`)
console.log(
  `engine, one thread      ${f(median(results.one))}   (${(median(results.one) / median(results.hand)).toFixed(2)}× the hand loop)`,
)
console.log(
  `hand loop, 2 threads    ${f(median(results.hand2))}   (${(median(results.hand2) / median(results.hand)).toFixed(2)}× one thread: this machine's ceiling)`,
)
console.log(
  `engine, workers: 2      ${f(median(results.two))}   (${(median(results.two) / median(results.one)).toFixed(2)}× one thread, ${(median(results.two) / median(results.hand2)).toFixed(2)}× the 2-thread hand loop)`,
)
