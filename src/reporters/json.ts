import { mkdirSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomic, writeFileAtomicSync } from '../fs/write-atomic.ts'
import type { PerfTestEntry } from './collect.ts'

export const RESULTS_FILE_VERSION = 1

/** How a run ended early: `signal` when SIGINT/SIGTERM stopped Vitest, absent when Vitest cancelled the run. */
export interface Interruption {
  signal?: string
}

function body(entries: readonly PerfTestEntry[], interruption: Interruption | undefined): string {
  const file = {
    version: RESULTS_FILE_VERSION,
    createdAt: new Date().toISOString(),
    interrupted: interruption !== undefined,
    ...(interruption?.signal ? { signal: interruption.signal } : {}),
    tests: entries,
  }
  return JSON.stringify(file, null, 2) + '\n'
}

/** Writes results.json atomically (temp file + rename) so readers never see half a file. */
export async function writeResultsJson(dir: string, entries: readonly PerfTestEntry[], interruption?: Interruption): Promise<string> {
  await mkdir(dir, { recursive: true })
  const file = path.join(dir, 'results.json')
  await writeFileAtomic(file, body(entries, interruption))
  return file
}

/** The same, blocking: written from the SIGINT handler, where nothing asynchronous runs any more. */
export function writeResultsJsonSync(dir: string, entries: readonly PerfTestEntry[], interruption: Interruption): string {
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'results.json')
  writeFileAtomicSync(file, body(entries, interruption))
  return file
}
