import { mkdir, open, readFile, rm, stat } from 'node:fs/promises'
import { writeFileAtomic } from '../fs/write-atomic.ts'
import path from 'node:path'
import { z } from 'zod'
import { PerfBaselineError } from '../errors.ts'
import type { EnvironmentFingerprint } from './environment.ts'
import type { RepetitionSummary } from './repetitions.ts'

export const BASELINE_VERSION = 1

export interface BaselineEntry {
  createdAt: string
  loadModel: Record<string, unknown>
  environment: EnvironmentFingerprint
  repetitions: RepetitionSummary[]
}

export interface BaselineFile {
  version: typeof BASELINE_VERSION
  entries: Record<string, BaselineEntry>
}

const summary = z.object({ count: z.number(), min: z.number(), mean: z.number(), p50: z.number(), p90: z.number(), p95: z.number(), p99: z.number(), p999: z.number(), max: z.number() })
const repetition = z.object({
  iterations: z.number(),
  durationMs: z.number(),
  throughput: z.number(),
  errorRate: z.number().min(0).max(1),
  dropped: z.number(),
  latency: summary,
  serviceTime: summary,
  histograms: z.object({ latency: z.string(), serviceTime: z.string() }),
})
const entry = z.object({
  createdAt: z.string(),
  loadModel: z.record(z.string(), z.unknown()).refine((m) => typeof m.executor === 'string', 'loadModel.executor is missing'),
  environment: z.object({ cpuModel: z.string(), cpus: z.number(), memoryGB: z.number(), os: z.string(), arch: z.string(), node: z.string(), infra: z.array(z.object({ service: z.string(), provider: z.string(), version: z.string(), tuning: z.string() })), calibration: z.number() }),
  repetitions: z.array(repetition).min(1),
})
const file = z.object({ version: z.literal(BASELINE_VERSION), entries: z.record(z.string(), entry) })

/** The baseline file of a test file: baselines/<path of the test file>.json, like __snapshots__. */
export function baselinePath(root: string, baselinesDir: string, testFile: string): string {
  return path.join(path.resolve(root, baselinesDir), `${path.relative(root, testFile)}.json`)
}

export async function readBaselines(filePath: string): Promise<BaselineFile | undefined> {
  let text: string
  try {
    text = await readFile(filePath, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new PerfBaselineError('PERF_BASELINE_CORRUPT', `${filePath} is not valid JSON (${(e as Error).message}). Restore it from git, or delete it and record again with \`vitest run -u\`.`)
  }
  const parsed = file.safeParse(json)
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 8).map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')
    throw new PerfBaselineError('PERF_BASELINE_CORRUPT', `${filePath} is not a vitest-perf baseline file of version ${BASELINE_VERSION}:\n${problems}\nRestore it from git, or record it again with \`vitest run -u\`.`)
  }
  return parsed.data as BaselineFile
}

const LOCK_WAIT_MS = 15_000
const LOCK_STALE_MS = 30_000

/** An exclusive lock file beside the baseline: several workers may write one file at once. */
async function withLock<T>(filePath: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${filePath}.lock`
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      const handle = await open(lock, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0)
      if (age > LOCK_STALE_MS) await rm(lock, { force: true })
      if (Date.now() > deadline) throw new PerfBaselineError('PERF_BASELINE_CORRUPT', `Timed out waiting for ${lock}; if no test run is writing baselines, delete it.`)
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 40))
    }
  }
  try {
    return await fn()
  } finally {
    await rm(lock, { force: true })
  }
}

/** Writes one entry: read, change, write a temp file, rename — under the lock, so no update is lost. */
export async function writeBaselineEntry(filePath: string, key: string, value: BaselineEntry): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true })
  await withLock(filePath, async () => {
    const current = (await readBaselines(filePath)) ?? { version: BASELINE_VERSION, entries: {} }
    current.entries[key] = value
    const sorted = Object.fromEntries(Object.entries(current.entries).sort(([a], [b]) => a.localeCompare(b)))
    await writeFileAtomic(filePath, `${JSON.stringify({ version: BASELINE_VERSION, entries: sorted }, null, 2)}\n`)
  })
}
