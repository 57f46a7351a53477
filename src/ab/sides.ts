import { spawn } from 'node:child_process'
import { createWriteStream, existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { PerfError } from '../core/errors.ts'
import { testId, type Side } from './wire.ts'

/** The checkout's own Vitest, run on the Node that runs vitest-perf. */
function vitestEntry(side: Side, dir: string): string {
  const entry = path.join(dir, 'node_modules/vitest/vitest.mjs')
  if (!existsSync(entry))
    throw new PerfError(
      'PERF_AB_SIDE_FAILED',
      `The ${side} checkout (${dir}) has no node_modules/vitest: install the dependencies (npm ci) first.`,
    )
  return entry
}

export interface Exited {
  code: number | null
  output: string
}

/** Runs Vitest in `dir`, its output into `logFile` (kept) and returned; `onSpawn` gets the child, to stop it on a signal. */
export function runVitest(
  side: Side,
  dir: string,
  args: string[],
  env: Record<string, string>,
  logFile: string,
  onSpawn: (kill: () => void) => void = () => {},
): Promise<Exited> {
  const child = spawn(process.execPath, [vitestEntry(side, dir), ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  onSpawn(() => child.kill('SIGTERM'))
  const log = createWriteStream(logFile)
  const chunks: Buffer[] = []
  const keep = (chunk: Buffer) => {
    chunks.push(chunk)
    log.write(chunk)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => {
      log.end()
      resolve({ code, output: Buffer.concat(chunks).toString('utf8') })
    })
  })
}

/** The tests `vitest list` finds with these arguments, as test ids, ordered by file path then place in the file. */
export async function listTests(side: Side, dir: string, args: string[], jsonFile: string, logFile: string): Promise<string[]> {
  const { code, output } = await runVitest(side, dir, ['list', `--json=${jsonFile}`, ...args], {}, logFile)
  const listed = await readFile(jsonFile, 'utf8').then(
    (text) => JSON.parse(text) as Array<{ name: string; file: string }>,
    () => undefined,
  )
  if (code !== 0 || !listed)
    throw new PerfError(
      'PERF_AB_SIDE_FAILED',
      `vitest list failed on the ${side} side (code ${code}) in ${dir}; its tests cannot be known:\n${output.trim().split('\n').slice(-20).join('\n')}`,
    )
  const rows = listed.map((t) => ({ file: path.relative(dir, t.file).split(path.sep).join('/'), name: t.name }))
  // A stable sort keeps the order of tests inside a file.
  rows.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  return rows.map((r) => testId(r.file, r.name))
}

/** A test (or a whole file) that failed on one side, from Vitest's JSON report. */
export interface SideFailure {
  side: Side
  test: string
  message: string
}

interface JsonReport {
  testResults?: Array<{
    name: string
    status: string
    message?: string
    assertionResults?: Array<{ ancestorTitles: string[]; title: string; status: string; failureMessages?: string[] }>
  }>
}

export async function failuresOf(side: Side, dir: string, reportFile: string, exited: Exited): Promise<SideFailure[]> {
  const report = await readFile(reportFile, 'utf8').then(
    (text) => JSON.parse(text) as JsonReport,
    () => undefined,
  )
  const failures: SideFailure[] = []
  for (const file of report?.testResults ?? []) {
    const rel = path.relative(dir, file.name).split(path.sep).join('/')
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed')
    for (const a of failed)
      failures.push({
        side,
        test: testId(rel, [...a.ancestorTitles, a.title].join(' > ')),
        message: firstLines(a.failureMessages?.join('\n') ?? ''),
      })
    if (failed.length === 0 && file.status === 'failed')
      failures.push({ side, test: rel, message: firstLines(file.message ?? 'the file failed') })
  }
  if (failures.length === 0 && exited.code !== 0)
    failures.push({
      side,
      test: '(vitest)',
      message: `Vitest exited with code ${exited.code}:\n${exited.output.trim().split('\n').slice(-15).join('\n')}`,
    })
  return failures
}

function firstLines(text: string, n = 6): string {
  return text.trim().split('\n').slice(0, n).join('\n')
}
