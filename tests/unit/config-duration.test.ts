import { describe, expect, it } from 'vitest'
import { formatDuration, parseDuration } from '../../src/core/duration.ts'
import { compileThresholds } from '../../src/thresholds/define.ts'
import { parseThreshold } from '../../src/thresholds/parse.ts'

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1h2m3s4ms', 3_723_004],
    ['1.5s', 1500],
    ['250us', 0.25],
    ['500µs', 0.5],
    ['1s500us', 1000.5],
    [' 2m ', 120_000],
    ['100', 100],
    [0, 0],
    [2500, 2500],
  ])('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms)
  })

  it.each([['abc'], ['-1s'], ['1x'], ['s'], [''], ['1s 2s'], ['30s1m'], ['1h1h'], ['1m1m'], ['5min'], [-5], [Number.NaN], [null], [{}]])(
    'rejects %j',
    (input) => {
      expect(parseDuration(input)).toBeUndefined()
    },
  )
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

describe('one duration grammar', () => {
  it.each(['30s', '1m30s', '500us', '1.5s', '100', '30s1m', '1h1h', '500 ms', 'abc'])(
    'config, delayAbortEval and threshold windows agree on %j',
    (text) => {
      const config = parseDuration(text)
      const { defs } = compileThresholds({ latency: { threshold: 'avg<1', delayAbortEval: text } })
      expect(defs[0]?.delayAbortEvalMs).toBe(config)
      // Windows need a unit: a bare number is milliseconds only where a number is expected.
      if (/[a-z]/.test(text)) {
        const window = (() => {
          try {
            return parseThreshold(`avg<1 over ${text}`).windowMs
          } catch {
            return undefined
          }
        })()
        expect(window).toBe(config)
      }
    },
  )
})
