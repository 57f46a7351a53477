import { readFile } from 'node:fs/promises'
import { parseOptions } from '../config/zod-problems.ts'
import { formatProblems, PerfError } from '../core/errors.ts'
import type { PerfTestEntry, ResultsFile } from '../reporters/collect.ts'
import { normalizeEntries } from '../reporters/normalize.ts'
import { resultsFileSchema } from '../reporters/results-schema.ts'

// A hand-edited file can hold thousands of wrong values; the first ones say what is wrong.
const SHOWN_PROBLEMS = 20

/** Parses and validates the text of a results file; `file` names it in messages. */
export function parseResults(text: string, file: string): PerfTestEntry[] {
  return parseResultsFile(text, file).entries
}

/** The same, with whether the run that wrote the file was interrupted. */
export function parseResultsFile(text: string, file: string): ResultsFile {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new PerfError(
      'PERF_RESULTS_UNREADABLE',
      `${file} is not valid JSON. It may have been cut short or edited by hand; run the perf tests again to rewrite it.`,
    )
  }
  const version = typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined
  if (version !== 1) {
    throw new PerfError(
      'PERF_RESULTS_UNREADABLE',
      `${file} is not a vitest-perf results file of version 1 (found version ${JSON.stringify(version) ?? 'none'}).`,
    )
  }
  const checked = parseOptions(resultsFileSchema, parsed)
  if (!checked.ok) {
    const problems = checked.problems.slice(0, SHOWN_PROBLEMS)
    const more = checked.problems.length - problems.length
    throw new PerfError(
      'PERF_RESULTS_INVALID',
      `${formatProblems(`results file ${file}`, problems, 'nothing was read')}${more > 0 ? `\n  … and ${more} more` : ''}\n` +
        'The file was edited or written by something else; run the perf tests again to rewrite it.',
    )
  }
  return { entries: normalizeEntries(checked.data.tests), interrupted: checked.data.interrupted === true }
}

/** Reads perf-results/results.json (or any results file) for the CLI commands. */
export async function readResults(file: string): Promise<ResultsFile> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    throw new PerfError(
      'PERF_RESULTS_UNREADABLE',
      `Cannot read ${file} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}). Run the perf tests first; the reporter writes perf-results/results.json.`,
    )
  }
  return parseResultsFile(text, file)
}
