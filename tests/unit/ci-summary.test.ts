import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const script = path.resolve(import.meta.dirname, '../../.ci/summary.mjs')
const dir = mkdtempSync(path.join(tmpdir(), 'vitest-perf-ci-summary-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A Vitest JSON report of tests under `root`: [file, test name, status, message?]. */
function report(name: string, root: string, tests: Array<[string, string, 'passed' | 'failed' | 'skipped', string?]>): string {
  const files = [...new Set(tests.map((t) => t[0]))]
  const file = path.join(dir, name)
  writeFileSync(
    file,
    JSON.stringify({
      numPassedTests: tests.filter((t) => t[2] === 'passed').length,
      numFailedTests: tests.filter((t) => t[2] === 'failed').length,
      numPendingTests: tests.filter((t) => t[2] === 'skipped').length,
      numTodoTests: 0,
      testResults: files.map((f) => ({
        name: `${root}/${f}`,
        status: tests.some((t) => t[0] === f && t[2] === 'failed') ? 'failed' : 'passed',
        assertionResults: tests
          .filter((t) => t[0] === f)
          .map(([, fullName, status, message]) => ({
            fullName,
            status: status === 'skipped' ? 'pending' : status,
            failureMessages: message ? [message] : [],
          })),
      })),
    }),
  )
  return file
}

const summary = (...args: string[]) =>
  execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' })
    .trimEnd()
    .split('\n')

describe('the end of the CI log (.ci/summary.mjs)', () => {
  it('names the failed tests of both pairs, the compat pair labelled, and counts both in the last line', () => {
    const main = report('main.json', '/repo', [
      ['tests/unit/a.test.ts', 'a > works', 'passed'],
      ['tests/unit/a.test.ts', 'a > breaks', 'failed', 'AssertionError: expected 1 to be 2\n    at a.test.ts:3'],
      ['tests/integration/b.test.ts', 'b', 'skipped'],
    ])
    const compat = report('compat.json', '/tmp/compat/repo', [
      ['tests/unit/a.test.ts', 'a > works', 'passed'],
      ['tests/e2e/package-build.test.ts', 'the built package > type-checks', 'failed', 'tsc failed'],
    ])
    expect(summary('0', '', main, '1', '/repo', 'vitest 4.1 + node 22', compat, '1', '/tmp/compat/repo')).toEqual([
      'FAILED tests/unit/a.test.ts > a > breaks: AssertionError: expected 1 to be 2',
      'FAILED [vitest 4.1 + node 22] tests/e2e/package-build.test.ts > the built package > type-checks: tsc failed',
      '2 passed, 2 failed, 1 skipped',
    ])
  })

  it('counts a compat pair that failed outside any test, and one that left no report', () => {
    const main = report('green.json', '/repo', [['tests/unit/a.test.ts', 'a', 'passed']])
    const compat = report('compat-green.json', '/c/repo', [['tests/unit/a.test.ts', 'a', 'passed']])
    expect(summary('0', '', main, '0', '/repo', 'compat', compat, '1', '/c/repo')).toEqual([
      'FAILED [compat] Vitest exited with 1 outside any test',
      '2 passed, 1 failed, 0 skipped',
    ])
    expect(summary('0', '', main, '0', '/repo', 'compat', path.join(dir, 'none.json'), '2', '/c/repo')).toEqual([
      `FAILED [compat] no test report at ${path.join(dir, 'none.json')} (Vitest exited with 2)`,
      '1 passed, 1 failed, 0 skipped',
    ])
  })

  it('adds the failures found outside Vitest (servers that survived the run)', () => {
    const main = report('survivors.json', '/repo', [['tests/unit/a.test.ts', 'a', 'passed']])
    expect(summary('1', '', main, '0', '/repo')).toEqual(['1 passed, 1 failed, 0 skipped'])
  })
})
