import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startCoordinator } from './coordinator.ts'
import { exitCode, formatText, judgeRuns, writeAbReports, type AbOutcome } from './report.ts'
import { failuresOf, listTests, runVitest } from './sides.ts'
import { TurnBook } from './turn-book.ts'
import { AB_ENV, type Side } from './wire.ts'
import { checkoutBase, resolveRevisions } from './worktree.ts'

export interface AbOptions {
  base: string
  vitestArgs: string[]
  /** Folder of report.md, results.json and the two Vitest logs. */
  out: string
  alpha?: number
  /** Scale the head's timings by the machine probe's pair ratio instead of holding drift-caused verdicts back. */
  normalize?: boolean
  /** Longest wait for one turn, ms. */
  timeoutMs: number
  cwd: string
  log: (line: string) => void
}

const SIDES: Side[] = ['base', 'head']

/**
 * vitest-perf ab: the base revision checked out beside the work tree, both test lists, then both
 * Vitest processes at once, taking turns repetition by repetition, and the paired verdicts.
 * The base checkout is removed on every path.
 */
export async function runAb(options: AbOptions): Promise<number> {
  const started = Date.now()
  const { cwd, log } = options
  const revisions = await resolveRevisions(cwd, options.base)
  if (revisions.head.changed.length)
    log(
      `vitest-perf ab: the work tree has uncommitted changes (${revisions.head.changed.length} files): head is the work tree, not ${revisions.head.sha.slice(0, 10)}`,
    )
  const out = path.resolve(cwd, options.out)
  await mkdir(out, { recursive: true })
  const temp = await mkdtemp(path.join(tmpdir(), 'vitest-perf-ab-run-'))
  const checkout = await checkoutBase(revisions, cwd, log)
  const phases = { checkoutMs: Date.now() - started, listMs: 0, runMs: 0 }
  const kills: Array<() => void> = []
  const stop = () => kills.forEach((kill) => kill())
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    const dirs: Record<Side, string> = { base: checkout.dir, head: cwd }
    log(`vitest-perf ab: listing the tests of ${options.base} (${revisions.base.sha.slice(0, 10)}) and of the head`)
    const [baseList, headList] = await Promise.all(
      SIDES.map((side) =>
        listTests(side, dirs[side], options.vitestArgs, path.join(temp, `${side}-list.json`), path.join(out, `${side}-list.log`)),
      ),
    )
    phases.listMs = Date.now() - started - phases.checkoutMs
    const book = new TurnBook({ base: baseList, head: headList })
    const coordinator = await startCoordinator(book)
    let exits
    try {
      log('vitest-perf ab: running base and head in turns')
      exits = await Promise.all(
        SIDES.map(async (side) => {
          const report = path.join(temp, `${side}-report.json`)
          const args = ['run', ...options.vitestArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]
          const env = {
            [AB_ENV.url]: coordinator.url,
            [AB_ENV.token]: coordinator.token,
            [AB_ENV.side]: side,
            [AB_ENV.timeout]: String(options.timeoutMs),
            // Each side's own summary would be half the story: the ab report is the one to keep.
            GITHUB_STEP_SUMMARY: '',
          }
          const exited = await runVitest(side, dirs[side], args, env, path.join(out, `${side}.log`), (kill) => kills.push(kill))
          // Whatever the other side still waits for from this one, it waits no more.
          book.finish(side)
          return failuresOf(side, dirs[side], report, exited)
        }),
      )
    } finally {
      await coordinator.close()
    }
    phases.runMs = Date.now() - started - phases.checkoutMs - phases.listMs
    const outcome: AbOutcome = {
      revisions,
      vitestArgs: options.vitestArgs,
      modules: checkout.modules,
      durationMs: Date.now() - started,
      phases,
      runs: judgeRuns(book.runs.values(), (test) => book.paired(test), {
        ...(options.alpha === undefined ? {} : { alpha: options.alpha }),
        ...(options.normalize ? { normalize: true } : {}),
      }),
      failures: exits.flat(),
    }
    console.log(formatText(outcome))
    const written = await writeAbReports(out, outcome)
    log(
      `vitest-perf ab: wrote ${written.map((f) => path.relative(cwd, f)).join(', ')} (Vitest logs: ${path.relative(cwd, out)}/base.log, head.log)`,
    )
    return exitCode(outcome)
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    await checkout.remove()
    await rm(temp, { recursive: true, force: true })
  }
}
