import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomic } from '../fs/write-atomic.ts'
import type { PerfTestEntry } from './collect.ts'

export const RESULTS_FILE_VERSION = 1

/** Writes results.json atomically (temp file + rename) so readers never see half a file. */
export async function writeResultsJson(dir: string, entries: PerfTestEntry[]): Promise<string> {
  await mkdir(dir, { recursive: true })
  const file = path.join(dir, 'results.json')
  const body = { version: RESULTS_FILE_VERSION, createdAt: new Date().toISOString(), tests: entries }
  await writeFileAtomic(file, JSON.stringify(body, null, 2) + '\n')
  return file
}
