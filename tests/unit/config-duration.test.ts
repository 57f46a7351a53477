import { describe, expect, it } from 'vitest'
import { formatDuration, parseDuration } from '../../src/config/duration.ts'

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1h2m3s4ms', 3_723_004],
    ['1.5s', 1500],
    ['250us', 0.25],
    [' 2m ', 120_000],
    ['100', 100],
    [0, 0],
    [2500, 2500],
  ])('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms)
  })

  it.each([['abc'], ['-1s'], ['1x'], ['s'], [''], ['1s 2s'], [-5], [Number.NaN], [null], [{}]])('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined()
  })
})

describe('formatDuration', () => {
  it.each([
    [90_000, '1m30s'],
    [250, '250ms'],
    [3_600_000, '1h'],
    [1500, '1s500ms'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
    expect(parseDuration(text)).toBe(ms)
  })
})
