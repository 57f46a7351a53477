import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { REPORT_FILES } from './write-reports.ts'

/** Every file the reporter writes into the results folder, results.json first. */
export const RESULT_FILES = ['results.json', REPORT_FILES.md, REPORT_FILES.html, REPORT_FILES.csv, 'matrix.csv'] as const

/** Where the files of the run before go, inside the results folder. */
export const PREVIOUS_DIR = 'previous'

/**
 * At the start of a run, moves the files of the run before into `<dir>/previous/` (replacing the
 * set there), so that nothing in `dir` can pass for this run's: a run that is interrupted, fails
 * before its end or has no perf test leaves no older results looking current. results.json is
 * the mark of our files: without it, the folder is left alone (report.html is a common name).
 * Blocking, since the SIGINT handler calls it too. Returns the names moved.
 */
export function setAsidePrevious(dir: string): string[] {
  if (!existsSync(path.join(dir, 'results.json'))) return []
  const previous = path.join(dir, PREVIOUS_DIR)
  mkdirSync(previous, { recursive: true })
  for (const name of RESULT_FILES) rmSync(path.join(previous, name), { force: true })
  const moved: string[] = []
  for (const name of RESULT_FILES) {
    const file = path.join(dir, name)
    if (!existsSync(file)) continue
    try {
      renameSync(file, path.join(previous, name))
    } catch {
      // Not movable (another file system under it, say): deleted, since it must not stay as it is.
      rmSync(file, { force: true })
    }
    moved.push(name)
  }
  return moved
}
