// Scaling from 1 to 2 worker threads, measured in one run.
//   npm run bench:workers            (add -- --seconds 10 for longer rounds)
// A CPU-bound workflow (SHA-256 rounds, the load module tests/fixtures/load/spin.ts) under
// constant-vus: a hand-written loop in this thread (the anchor), the engine in this thread, and
// the engine with workers: 2. Rounds are interleaved and repeated; medians are printed with the
// ratio workers:2 / one thread (goal: close to the machine's free cores, ≤ 2 on two cores).
import { createHash } from 'node:crypto'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { runLoad } from '../src/engine/run-load.ts'
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

async function engine(workers: number): Promise<number> {
  const r = await runLoad({ executor: 'constant-vus', vus: 4, duration: ms, workers }, workers === 1 ? spin({ rounds: ROUNDS }) : module, { attach: false, monitor: false })
  return r.throughput
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const results = { hand: [] as number[], one: [] as number[], two: [] as number[] }
for (let i = 0; i < Number(values.rounds); i++) {
  results.hand.push(hand())
  results.one.push(await engine(1))
  results.two.push(await engine(2))
}
const f = (x: number) => `${Math.round(x).toLocaleString('en')}/s`
console.log(`cpus ${os.availableParallelism()}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${Number(values.rounds)} rounds of ${ms / 1000}s, ${ROUNDS} SHA-256 per iteration`)
console.log(`hand loop, one thread   ${f(median(results.hand))}`)
console.log(`engine, one thread      ${f(median(results.one))}   (${(median(results.one) / median(results.hand)).toFixed(2)}× the hand loop)`)
console.log(`engine, workers: 2      ${f(median(results.two))}   (${(median(results.two) / median(results.one)).toFixed(2)}× one thread)`)
