import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RESULT_FILES, setAsidePrevious } from '../../src/reporters/previous-results.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vitest-perf-previous-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text)
const read = (...names: string[]) => readFileSync(path.join(dir, ...names), 'utf8')
const list = (...names: string[]) => readdirSync(path.join(dir, ...names)).sort()

describe('setAsidePrevious()', () => {
  it('moves every file of the run before into previous/, and leaves other files alone', () => {
    for (const name of RESULT_FILES) write(name, `old ${name}`)
    write('report.png', 'a screenshot')
    mkdirSync(path.join(dir, 'ab'))
    expect(setAsidePrevious(dir)).toEqual([...RESULT_FILES])
    expect(list()).toEqual(['ab', 'previous', 'report.png'])
    expect(list('previous')).toEqual([...RESULT_FILES].sort())
    expect(read('previous', 'report.md')).toBe('old report.md')
  })

  it('replaces the whole set in previous/, so no older report stays beside newer results', () => {
    for (const name of RESULT_FILES) write(name, 'first')
    setAsidePrevious(dir)
    write('results.json', 'second')
    write('report.md', 'second')
    expect(setAsidePrevious(dir)).toEqual(['results.json', 'report.md'])
    expect(list('previous')).toEqual(['report.md', 'results.json'])
    expect(read('previous', 'results.json')).toBe('second')
  })

  it('does nothing without a results.json: the files are not ours, or there is nothing to move', () => {
    write('report.html', 'another tool')
    expect(setAsidePrevious(dir)).toEqual([])
    expect(list()).toEqual(['report.html'])
    expect(setAsidePrevious(path.join(dir, 'missing'))).toEqual([])
  })
})
