// The drawing of bench:verdict:service's comparisons, one row per job, spread over worker threads:
// a row is ≥ 200 comparisons with their reruns, each bootstrapping every metric 2000 times, and
// the rows are independent (each has its own seed), so 2 cores draw them in about half the time.
import os from 'node:os'
import { Worker, isMainThread, parentPort } from 'node:worker_threads'
import { comparePaired } from '../../src/baselines/paired.ts'
import { seededRandom } from '../../src/core/random.ts'
import type { RepetitionSummary } from '../../src/core/result.ts'
import { committed, paired, tally, type Pair, type Rates } from './resample.ts'

export type Job =
  | { mode: 'committed'; baseline: RepetitionSummary[]; current: RepetitionSummary[]; reps: number; comparisons: number; seed: number }
  | { mode: 'paired'; pairs: Pair[]; n: number; comparisons: number; seed: number }

function run(job: Job): Rates {
  const random = seededRandom(job.seed)
  return job.mode === 'committed'
    ? tally(job.comparisons, () => committed(job.baseline, job.current, job.reps, random))
    : tally(job.comparisons, () => paired(job.pairs, job.n, comparePaired, random))
}

/** The verdict reads summaries only: the encoded histograms need not cross to the workers. */
const lean = (r: RepetitionSummary): RepetitionSummary => ({ ...r, histograms: { latency: '', serviceTime: '' } })

function leanJob(job: Job): Job {
  return job.mode === 'committed'
    ? { ...job, baseline: job.baseline.map(lean), current: job.current.map(lean) }
    : { ...job, pairs: job.pairs.map((p) => ({ base: lean(p.base), head: lean(p.head) })) }
}

/** Every job's rates, in the order given. */
export async function drawAll(jobs: Job[]): Promise<Rates[]> {
  const out: Rates[] = new Array(jobs.length)
  let next = 0
  const threads = Math.min(jobs.length, os.availableParallelism())
  await Promise.all(
    Array.from({ length: threads }, async () => {
      const worker = new Worker(new URL(import.meta.url))
      try {
        while (next < jobs.length) {
          const i = next++
          out[i] = await new Promise<Rates>((resolve, reject) => {
            worker.once('message', resolve)
            worker.once('error', reject)
            worker.postMessage(leanJob(jobs[i]))
          })
          worker.removeAllListeners('error')
        }
      } finally {
        await worker.terminate()
      }
    }),
  )
  return out
}

if (!isMainThread) parentPort!.on('message', (job: Job) => parentPort!.postMessage(run(job)))
