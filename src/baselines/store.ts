import { mkdir, open, readFile, rm, stat } from 'node:fs/promises'
import { writeFileAtomic } from '../fs/write-atomic.ts'
import path from 'node:path'
import { z } from 'zod'
import { PerfBaselineError } from '../core/errors.ts'
import type { EnvironmentFingerprint } from './environment.ts'
import type { RepetitionSummary } from '../core/result.ts'

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

const summary = z.object({
  count: z.number(),
  min: z.number(),
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
})
const repetition = z.object({
  iterations: z.number(),
  durationMs: z.number(),
  throughput: z.number(),
  errorRate: z.number().min(0).max(1),
  dropped: z.number(),
  latency: summary,
  serviceTime: summary,
  histograms: z.object({ latency: z.string(), serviceTime: z.string() }),
  // Both absent in baselines written before CPU per iteration and the machine probe existed.
  cpuPerIteration: z.object({ process: z.number(), servers: z.record(z.string(), z.number()).optional() }).optional(),
  probe: z.object({ before: z.number(), after: z.number() }).optional(),
  // Absent in baselines written before it was measured, and off Linux.
  otherCores: z.number().min(0).optional(),
  // Runs with scenarios: each scenario's summary (absent for one executor's runs).
  scenarios: z
    .record(
      z.string().refine((name) => name !== '__proto__', 'is not a scenario name'),
      z.object({
        executor: z.string(),
        iterations: z.number(),
        durationMs: z.number(),
        throughput: z.number(),
        errorRate: z.number().min(0).max(1),
        dropped: z.number(),
        latency: summary,
        serviceTime: summary,
      }),
    )
    .optional(),
})
const entry = z.object({
  createdAt: z.string(),
  loadModel: z.record(z.string(), z.unknown()).refine((m) => typeof m.executor === 'string', 'loadModel.executor is missing'),
  environment: z.object({
    cpuModel: z.string(),
    cpus: z.number(),
    memoryGB: z.number(),
    os: z.string(),
    arch: z.string(),
    node: z.string(),
    infra: z.array(z.object({ service: z.string(), provider: z.string(), version: z.string(), tuning: z.string() })),
    calibration: z.number(),
  }),
  repetitions: z.array(repetition).min(1),
})
const file = z.object({ version: z.literal(BASELINE_VERSION), entries: z.record(z.string(), entry) })

/** The baseline file of a test file: baselines/<path of the test file>.json, like __snapshots__. */
export function baselinePath(root: string, baselinesDir: string, testFile: string): string {
  return path.join(path.resolve(root, baselinesDir), `${path.relative(root, testFile)}.json`)
}

/** The entry of `key`: an own property only, so a test named `constructor` or `toString` finds nothing inherited. */
export function baselineEntry(file: BaselineFile | undefined, key: string): BaselineEntry | undefined {
  return file !== undefined && Object.hasOwn(file.entries, key) ? file.entries[key] : undefined
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
    throw new PerfBaselineError(
      'PERF_BASELINE_CORRUPT',
      `${filePath} is not valid JSON (${(e as Error).message}). Restore it from git, or delete it and record again with \`vitest run -u\`.`,
    )
  }
  // Entries one by one into own properties: zod's record would turn an entry keyed __proto__ into the prototype.
  const parsed = file.safeParse(json)
  const issues = parsed.success ? [] : parsed.error.issues
  const entries: [string, unknown][] = []
  if (parsed.success) {
    const raw = (json as { entries: Record<string, unknown> }).entries
    for (const key of Object.keys(raw)) {
      const one = entry.safeParse(raw[key])
      if (one.success) entries.push([key, one.data])
      else issues.push(...one.error.issues.map((i) => ({ ...i, path: ['entries', key, ...i.path] })))
    }
  }
  if (issues.length === 0) return { version: BASELINE_VERSION, entries: Object.fromEntries(entries) } as BaselineFile
  const problems = issues
    .slice(0, 8)
    .map((i) => `  - ${i.path.join('.')}: ${i.message}`)
    .join('\n')
  throw new PerfBaselineError(
    'PERF_BASELINE_CORRUPT',
    `${filePath} is not a vitest-perf baseline file of version ${BASELINE_VERSION}:\n${problems}\nRestore it from git, or record it again with \`vitest run -u\`.`,
  )
}

const LOCK_WAIT_MS = 15_000
const LOCK_STALE_MS = 30_000

const ageOf = (file: string) =>
  stat(file).then(
    (s) => ({ age: Date.now() - s.mtimeMs, ino: s.ino }),
    () => undefined,
  )

/**
 * Removes a stale lock so that only one waiter can: the remover holds `<lock>.takeover`
 * (exclusive create) and checks again that the lock is the same stale file, so a waiter that saw
 * it stale earlier cannot delete the fresh lock another waiter took meanwhile.
 */
async function takeOverStale(lock: string, seen: { ino: number }): Promise<void> {
  const takeover = `${lock}.takeover`
  try {
    await (await open(takeover, 'wx')).close()
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    // A waiter that died while taking over (a crash in these few lines) must not block everyone.
    const left = await ageOf(takeover)
    if (left && left.age > LOCK_STALE_MS) await rm(takeover, { force: true })
    return
  }
  try {
    const now = await ageOf(lock)
    if (now && now.ino === seen.ino && now.age > LOCK_STALE_MS) await rm(lock, { force: true })
  } finally {
    await rm(takeover, { force: true })
  }
}

/** An exclusive lock file beside the baseline: several workers may write one file at once. */
export async function withLock<T>(filePath: string, fn: () => Promise<T>): Promise<T> {
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
      const seen = await ageOf(lock)
      if (seen && seen.age > LOCK_STALE_MS) await takeOverStale(lock, seen)
      if (Date.now() > deadline)
        throw new PerfBaselineError(
          'PERF_BASELINE_CORRUPT',
          `Timed out waiting for ${lock}; if no test run is writing baselines, delete it.`,
        )
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
    // defineProperty: a key such as __proto__ is an entry like any other, never the prototype.
    Object.defineProperty(current.entries, key, { value, enumerable: true, writable: true, configurable: true })
    const sorted = Object.fromEntries(Object.entries(current.entries).sort(([a], [b]) => a.localeCompare(b)))
    await writeFileAtomic(filePath, `${JSON.stringify({ version: BASELINE_VERSION, entries: sorted }, null, 2)}\n`)
  })
}
