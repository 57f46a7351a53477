// How often the verdict is right on a real service: bench:verdict's realistic case.
//   npm run bench:verdict:service              (-- --quick | --pool 32 --seconds 1.25 --slowdown cpu|query | --save f.json | --from f.json)
// A node:http service in a child process (PostgreSQL search query + Redis cache read per request)
// under constant-vus 4 on an undici Pool. Recorded: a block of quiet baseline repetitions first,
// as a committed baseline written earlier would be; then, round by round, base/head pairs (ABBA)
// of A/A and of a calibrated +20 % slowdown, each quiet, with a busy neighbour on one core for the
// whole pair (both sides, like a shared CI runner), and with a bursty neighbour (on and off in
// random 1–5 s stretches, blind to whose turn it is). Then ≥ 200 comparisons per case are drawn
// from those pools, with toMatchBaseline()'s reruns: committed baselines judge the pairs'
// repetitions as current runs against the baseline block (so the neighbour is on during the
// current run only), paired mode judges the pairs with comparePaired().
import os from 'node:os'
import { parseArgs } from 'node:util'
import { Pool } from 'undici'
import { seededRandom } from '../src/core/random.ts'
import type { RepetitionSummary } from '../src/core/result.ts'
import type { IterationContext } from '../src/engine/context.ts'
import { summarizeRepetition } from '../src/run/repetitions.ts'
import { runLoad } from '../src/run/run-load.ts'
import { calibrate } from './verdict-service/calibrate.ts'
import { drawAll, type Job } from './verdict-service/draw.ts'
import type { Pair } from './verdict-service/resample.ts'
import {
  loadRecorded,
  printDiagnostics,
  printGoals,
  printRows,
  saveRecorded,
  type Env,
  type Measured,
  type Recorded,
  type Row,
} from './verdict-service/report.ts'
import { ITEMS, TERMS, openStores, startApp, startNeighbour, storePids, Teardown } from './verdict-service/stack.ts'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    pool: { type: 'string' },
    seconds: { type: 'string' },
    slowdown: { type: 'string', default: 'cpu' },
    comparisons: { type: 'string', default: '200' },
    seed: { type: 'string', default: '2026' },
    save: { type: 'string' },
    from: { type: 'string' },
  },
})
const QUICK = args.quick
const POOL = Number(args.pool ?? (QUICK ? 8 : 32))
const REP_MS = Math.round(Number(args.seconds ?? (QUICK ? 0.3 : 1.25)) * 1000)
const COMPARISONS = Math.max(200, Number(args.comparisons))
const REPS = 5
// The exact signed-rank test needs 8 pairs to reach p < 0.01 (2/2^8): what `vitest-perf ab` recommends.
const PAIRS = 8
const VUS = 4
const TARGET = 0.2
const SLOWDOWN = args.slowdown
if (SLOWDOWN !== 'cpu' && SLOWDOWN !== 'query')
  throw new Error(`--slowdown is "${SLOWDOWN}"; use cpu (work in the service) or query (work in PostgreSQL)`)

const ENVS: Env[] = ['quiet', 'neighbour', 'bursty']

const seconds = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`

async function main(teardown: Teardown, interrupted: AbortSignal): Promise<void> {
  const t0 = performance.now()
  const random = seededRandom(Number(args.seed))
  const stores = await openStores(teardown)
  const app = await startApp(stores, teardown)
  const pids = await storePids(stores)
  const watched = [{ service: 'app', pid: app.pid }, ...Object.entries(pids).map(([service, pid]) => ({ service, pid }))]
  const neighbour = startNeighbour(teardown)
  const http = new Pool(app.url, { connections: VUS })
  teardown.add('close the HTTP pool', () => http.close())

  let knob = ''
  const rep = async (slow: boolean, ms = REP_MS): Promise<Measured> => {
    const query = slow ? knob : ''
    const workflow = async (ctx: IterationContext) => {
      const res = await http.request({ path: `/items?q=${ctx.iteration % TERMS}${query}`, method: 'GET' })
      const body = await res.body.text()
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${body.slice(0, 200)}`)
    }
    interrupted.throwIfAborted()
    const busy = neighbour.onMs()
    const r = await runLoad({ executor: 'constant-vus', vus: VUS, duration: ms }, workflow, {
      attach: false,
      signal: interrupted,
      monitor: { servers: watched },
    })
    interrupted.throwIfAborted()
    if (r.failed > 0) throw new Error(`${r.failed} of ${r.iterations} requests failed: ${JSON.stringify(r.errors.byKind)}`)
    return { summary: summarizeRepetition(r), exposure: Math.min(1, (neighbour.onMs() - busy) / r.durationMs) }
  }

  console.log(`node ${process.version}, ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(2)} at the start`)
  console.log(`service: node:http child process (pid ${app.pid}) on ${app.url}; PostgreSQL table of ${ITEMS} rows, Redis cache read`)
  console.log(`watched: ${watched.map((w) => `${w.service} (pid ${w.pid})`).join(', ')}`)
  console.log(
    `load: constant-vus ${VUS} on an undici Pool, ${REP_MS} ms per repetition; pools of ${POOL} pairs; ${COMPARISONS} comparisons of ${REPS} vs ${REPS} (committed) and ${PAIRS} pairs (paired) per case`,
  )
  console.log(`neighbour: one busy loop${neighbour.core !== undefined ? ` pinned to core ${neighbour.core}` : ' (no taskset: not pinned)'}`)
  console.log(`set up in ${seconds(t0)}\n`)

  const tCal = performance.now()
  await rep(false, 2000)
  const plain: RepetitionSummary[] = []
  for (let i = 0; i < 5; i++) plain.push((await rep(false)).summary)
  const m = plain.map((r) => r.latency.p50).sort((a, b) => a - b)[2]
  const unit = SLOWDOWN === 'cpu' ? { name: 'work', perMs: app.roundsPerMs } : { name: 'queryWork', perMs: app.rowsPerMs }
  // Work on the service's one event loop delays the requests queued behind it too: start lower.
  const guessMs = (SLOWDOWN === 'cpu' ? 0.1 : 0.2) * m
  const calibration = await calibrate({
    guess: guessMs * unit.perMs,
    target: TARGET,
    tolerance: 0.01,
    pairs: QUICK ? 3 : 5,
    steps: QUICK ? 3 : 4,
    round: (v) => Math.max(1, Math.round(v)),
    set: (v) => (knob = `&${unit.name}=${v}`),
    rep: async (slow) => (await rep(slow)).summary,
  })
  const tries = calibration.tries.map(
    (t) =>
      `${unit.name}=${t.value} (${(t.value / unit.perMs).toFixed(2)} ms of ${SLOWDOWN === 'cpu' ? 'CPU' : 'query time at start'}) → ${signed(t.effect)}`,
  )
  console.log(`calibration: median p50 ${m.toFixed(3)} ms over 5 repetitions; knob ${tries.join(', ')} on p50 (${seconds(tCal)})`)
  console.log(
    `  chosen: ${knob.slice(1)}, ${calibration.interpolated ? 'interpolated between the nearest tries below and above' : `${signed(calibration.effect)} in calibration`}; the effect measured over the pools is below`,
  )
  const total = POOL * (1 + ENVS.length * 4)
  console.log(`recording ${total} repetitions of ${REP_MS} ms: about ${((total * (REP_MS + 200)) / 60_000).toFixed(1)} min\n`)

  // A committed baseline is written before the runs it judges: its repetitions come first, in one block.
  const tRec = performance.now()
  const recorded: Recorded = { baseline: [], pairs: new Map() }
  // Proof that the neighbour ran: its own CPU time against the time it was switched on.
  const neighbourAt = { cpu: neighbour.cpuMs(), on: neighbour.onMs() }
  for (let i = 0; i < POOL; i++) recorded.baseline.push(await rep(false))
  console.log(`baseline block: ${POOL} repetitions in ${seconds(tRec)}`)
  const units = ENVS.flatMap((env) => [false, true].map((slow) => ({ env, slow, key: `${env} ${slow ? 'slow' : 'A/A'}` })))
  for (const u of units) recorded.pairs.set(u.key, [])
  for (let round = 0; round < POOL; round++) {
    // Cases in an order rotated each round, so slow drift falls on all; ABBA across rounds.
    for (let k = 0; k < units.length; k++) {
      const u = units[(k + round) % units.length]
      const headFirst = round % 2 === 1
      const bursts = u.env === 'bursty' ? neighbour.bursts(random) : undefined
      if (u.env === 'neighbour') neighbour.on()
      try {
        const first = await rep(headFirst && u.slow)
        const second = await rep(!headFirst && u.slow)
        const [base, head] = headFirst ? [second, first] : [first, second]
        recorded.pairs.get(u.key)!.push({ base, head, round })
      } finally {
        bursts?.stop()
        neighbour.off()
      }
    }
    if ((round + 1) % Math.max(1, Math.round(POOL / 8)) === 0) console.log(`round ${round + 1}/${POOL} (${seconds(tRec)})`)
  }
  const recording = seconds(tRec)
  const ranCpu = neighbour.cpuMs()
  if (ranCpu !== undefined && neighbourAt.cpu !== undefined) {
    const share = (ranCpu - neighbourAt.cpu) / Math.max(1, neighbour.onMs() - neighbourAt.on)
    console.log(`neighbour: busy for ${(share * 100).toFixed(0)} % of the time it was switched on (its own CPU time, from /proc)`)
    if (share < 0.3) console.log('  WARNING: the neighbour hardly ran; the neighbour rows below do not describe a busy neighbour')
  } else {
    // Its /proc entry is gone (or was at the start of the recording): it did not run at all.
    console.log(
      `WARNING: the neighbour process is gone (${neighbour.gone() ?? 'no /proc entry'}); the neighbour rows below do not describe a busy neighbour`,
    )
  }
  if (args.save) {
    await saveRecorded(args.save, recorded, knob.slice(1))
    console.log(`recorded pools written to ${args.save} (npm run bench:verdict:service -- --from ${args.save} draws from them again)`)
  }
  console.log(`\nrecording ${recording}`)
  await judge(recorded, knob.slice(1))
  console.log(`load average ${os.loadavg()[0].toFixed(2)} at the end; total ${seconds(t0)}`)
}

/** Draws the comparisons of every row from the recorded pools and prints them. */
async function judge(recorded: Recorded, knob: string): Promise<void> {
  const tDraw = performance.now()
  const summaries = (xs: Measured[]) => xs.map((x) => x.summary)
  const pairsOf = (key: string): Pair[] => recorded.pairs.get(key)!.map((p) => ({ base: p.base.summary, head: p.head.summary }))
  const bothSides = (key: string) => recorded.pairs.get(key)!.flatMap((p) => [p.base, p.head])
  const heads = (key: string) => recorded.pairs.get(key)!.map((p) => p.head)
  // The old model, a neighbour during the head's turns only, from the same rounds: a quiet base
  // with a neighbour-loaded head. No shared runner does this; it shows what the probe holds back.
  const headOnly = (aa: boolean): Pair[] => {
    const quiet = recorded.pairs.get(`quiet ${aa ? 'A/A' : 'slow'}`)!
    const loaded = recorded.pairs.get(`neighbour ${aa ? 'A/A' : 'slow'}`)!
    return quiet.map((q, i) => ({ base: q.base.summary, head: loaded[i].head.summary }))
  }
  const baseline = summaries(recorded.baseline)
  const specs: { mode: Row['mode']; label: string; aa: boolean; job: Job }[] = []
  const seed = (i: number) => Number(args.seed) + 7919 * i
  const committedRow = (label: string, aa: boolean, current: Measured[]) =>
    specs.push({
      mode: 'committed',
      label,
      aa,
      job: { mode: 'committed', baseline, current: summaries(current), reps: REPS, comparisons: COMPARISONS, seed: seed(specs.length) },
    })
  const pairedRow = (label: string, aa: boolean, pool: Pair[]) =>
    specs.push({
      mode: 'paired',
      label,
      aa,
      job: { mode: 'paired', pairs: pool, n: PAIRS, comparisons: COMPARISONS, seed: seed(specs.length) },
    })
  committedRow('A/A, quiet', true, bothSides('quiet A/A'))
  committedRow('+20 %, quiet', false, heads('quiet slow'))
  committedRow('A/A, neighbour (current run)', true, bothSides('neighbour A/A'))
  committedRow('+20 %, neighbour (current run)', false, heads('neighbour slow'))
  committedRow('A/A, bursty (current run)', true, bothSides('bursty A/A'))
  committedRow('+20 %, bursty (current run)', false, heads('bursty slow'))
  pairedRow('A/A, quiet', true, pairsOf('quiet A/A'))
  pairedRow('+20 %, quiet', false, pairsOf('quiet slow'))
  pairedRow('A/A, neighbour (both sides)', true, pairsOf('neighbour A/A'))
  pairedRow('+20 %, neighbour (both sides)', false, pairsOf('neighbour slow'))
  pairedRow('A/A, bursty neighbour', true, pairsOf('bursty A/A'))
  pairedRow('+20 %, bursty neighbour', false, pairsOf('bursty slow'))
  pairedRow('A/A, neighbour on head only*', true, headOnly(true))
  pairedRow('+20 %, neighbour on head only*', false, headOnly(false))
  const rates = await drawAll(specs.map((s) => s.job))
  const rows: Row[] = specs.map((s, i) => ({ mode: s.mode, label: s.label, aa: s.aa, rates: rates[i] }))
  console.log(`${COMPARISONS} comparisons per row drawn in ${seconds(tDraw)}`)
  printRows(rows, knob)
  printDiagnostics(recorded, TARGET)
  printGoals(rows, recorded, TARGET, recorded.baseline.length < 16)
}

const teardown = new Teardown()
const interrupt = new AbortController()
// The run in progress stops first, then everything is undone; a stuck step gets 5 s.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping and cleaning up`)
    interrupt.abort(new Error(`interrupted by ${signal}`))
    setTimeout(() => void teardown.run().finally(() => process.exit(130)), 5000).unref()
  })
}
try {
  if (args.from) {
    const { recorded, knob } = await loadRecorded(args.from)
    console.log(
      `pools recorded earlier, read from ${args.from}: ${recorded.baseline.length} baseline repetitions, pools of ${recorded.pairs.get('quiet A/A')!.length} pairs`,
    )
    await judge(recorded, knob)
  } else await main(teardown, interrupt.signal)
} catch (e) {
  console.error(interrupt.signal.aborted ? (interrupt.signal.reason as Error).message : e)
  process.exitCode = interrupt.signal.aborted ? 130 : 1
} finally {
  await teardown.run()
}
