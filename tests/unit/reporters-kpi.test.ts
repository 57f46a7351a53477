import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/core/errors.ts'
import type { RunResult } from '../../src/core/result.ts'
import { resolvePerfOptions } from '../../src/plugin/options.ts'
import {
  DEFAULT_KPI,
  gradeRun,
  gradeValue,
  KPI_DEFS,
  resolveKpi,
  successRate,
  worstGrade,
  type Grade,
  type KpiBounds,
  type KpiName,
} from '../../src/reporters/kpi.ts'
import { parseKpiOverrides } from '../../src/reporters/kpi-options.ts'
import { fakeResult } from '../helpers/run-result.ts'

// The shared fake, unnamed and on another Node version string, as this file's runs always were.
const result = (overrides: Partial<RunResult> = {}): RunResult =>
  fakeResult({ name: undefined, environment: { node: 'v24', platform: 'linux', arch: 'x64', cpus: 2, histograms: 'js' }, ...overrides })

const bounds = (name: KpiName) => DEFAULT_KPI[name] as KpiBounds

describe('gradeValue with the default KPI table', () => {
  const cases: [KpiName, number, Grade][] = [
    ['throughput', 50.1, 'good'],
    ['throughput', 50, 'acceptable'],
    ['throughput', 10.1, 'acceptable'],
    ['throughput', 10, 'marginal'],
    ['throughput', 5, 'marginal'],
    ['throughput', 4.9, 'poor'],
    ['throughput', 0, 'poor'],
    ['avgLatency', 999, 'good'],
    ['avgLatency', 1000, 'acceptable'],
    ['avgLatency', 4999, 'acceptable'],
    ['avgLatency', 5000, 'marginal'],
    ['avgLatency', 10_000, 'marginal'],
    ['avgLatency', 10_001, 'poor'],
    ['p99Latency', 4999, 'good'],
    ['p99Latency', 14_999, 'acceptable'],
    ['p99Latency', 20_000, 'marginal'],
    ['p99Latency', 30_001, 'poor'],
    ['successRate', 100, 'good'],
    ['successRate', 99.01, 'good'],
    ['successRate', 99, 'acceptable'],
    ['successRate', 95.5, 'acceptable'],
    ['successRate', 92, 'marginal'],
    ['successRate', 89.9, 'poor'],
    ['memory', 499, 'good'],
    ['memory', 500, 'acceptable'],
    ['memory', 1023, 'acceptable'],
    ['memory', 1500, 'marginal'],
    ['memory', 2049, 'poor'],
  ]
  it.each(cases)('%s %d is %s', (name, value, grade) => {
    expect(gradeValue(value, bounds(name), KPI_DEFS[name].better)).toBe(grade)
  })
})

describe('resolveKpi and parseKpiOverrides', () => {
  it('merges single bounds into the defaults and drops KPIs set to false', () => {
    const table = resolveKpi({ throughput: { good: 200 }, memory: false })
    expect(table.throughput).toEqual({ good: 200, acceptable: 10, poor: 5 })
    expect(table.memory).toBe(false)
    expect(table.p99Latency).toEqual(DEFAULT_KPI.p99Latency)
  })

  it.each([
    [{ throughput: { good: 5 } }, 'throughput'],
    [{ avgLatency: { poor: 100 } }, 'avgLatency'],
    [{ successRate: { good: 90, acceptable: 95 } }, 'successRate'],
  ])('refuses bounds that invert the scale once merged: %j', (input, path) => {
    expect(() => parseKpiOverrides(input, 'kpi')).toThrow(PerfConfigError)
    expect(() => parseKpiOverrides(input, 'kpi')).toThrow(new RegExp(`${path}: higher is (better|worse) here`))
  })

  it('refuses unknown KPIs and negative bounds, all at once', () => {
    try {
      parseKpiOverrides({ latency: { good: 1 }, memory: { good: -1 } }, 'kpi')
      expect.unreachable()
    } catch (error) {
      expect((error as PerfConfigError).problems.map((p) => p.path).sort()).toEqual(['latency', 'memory.good'])
    }
  })

  it('is the kpi option of perf(), beside reports and githubSummary', () => {
    const defaults = resolvePerfOptions({})
    expect(defaults.reports).toEqual(['json', 'md', 'html', 'csv'])
    expect(defaults.kpi).toEqual({})
    expect(defaults.githubSummary).toBe(true)
    expect(resolvePerfOptions({ reports: ['md'], kpi: { memory: false } })).toMatchObject({ reports: ['md'], kpi: { memory: false } })
    expect(() => resolvePerfOptions({ reports: ['pdf'] })).toThrow(
      /perf\(\)\.reports\[0\]: must be one of "json", "md", "html", "csv", got "pdf"/,
    )
    expect(() => resolvePerfOptions({ kpi: { throughput: { good: 1 } } })).toThrow(/perf\(\)\.kpi\.throughput: higher is better here/)
  })
})

describe('gradeRun', () => {
  it('grades throughput, average and p99 latency and success; the overall grade is the worst', () => {
    const grades = gradeRun(result({ throughput: 30, failed: 3 }), resolveKpi())
    expect(grades.byKpi).toEqual({
      throughput: { value: 30, grade: 'acceptable' },
      avgLatency: { value: 20, grade: 'good' },
      p99Latency: { value: 80, grade: 'good' },
      successRate: { value: 97, grade: 'acceptable' },
    })
    expect(grades.overall).toBe('acceptable')
  })

  it('grades memory only when resources has samples, from the peak rss', () => {
    const mb = 1024 * 1024
    const sample = { cpu: 1, eventLoop: { p50: 1, p99: 1, max: 1, utilization: 0.1 }, handles: {} }
    const resources = [
      { ...sample, t: 0, rss: 300 * mb, heapUsed: 100 * mb },
      { ...sample, t: 1, rss: 1200 * mb, heapUsed: 90 * mb },
    ]
    expect(gradeRun(result(), resolveKpi()).byKpi.memory).toBeUndefined()
    expect(gradeRun(result({ resources }), resolveKpi()).byKpi.memory).toEqual({ value: 1200, grade: 'marginal' })
    expect(gradeRun(result({ resources }), resolveKpi({ memory: false })).byKpi.memory).toBeUndefined()
  })

  it('leaves out latency KPIs of a run without iterations, and grades nothing it cannot', () => {
    const empty = result({ iterations: 0, throughput: 0, latency: { ...result().latency, count: 0 } })
    expect(Object.keys(gradeRun(empty, resolveKpi()).byKpi)).toEqual(['throughput'])
    const none = resolveKpi({ throughput: false, avgLatency: false, p99Latency: false, successRate: false, memory: false })
    expect(gradeRun(result(), none)).toEqual({ byKpi: {}, overall: undefined })
  })

  it.each([
    [{ iterations: 100, failed: 0, dropped: 0, interrupted: 0 }, 100],
    [{ iterations: 100, failed: 5, dropped: 0, interrupted: 0 }, 95],
    [{ iterations: 60, failed: 0, dropped: 40, interrupted: 0 }, 60],
    [{ iterations: 90, failed: 0, dropped: 0, interrupted: 10 }, 90],
    [{ iterations: 0, failed: 0, dropped: 0, interrupted: 0 }, undefined],
  ])('success of %j is %s%', (counts, expected) => {
    expect(successRate(result(counts))).toBe(expected)
  })

  it('orders grades good < acceptable < marginal < poor', () => {
    expect(worstGrade(['good', 'poor', 'acceptable'])).toBe('poor')
    expect(worstGrade(['acceptable', 'marginal', 'good'])).toBe('marginal')
    expect(worstGrade([])).toBeUndefined()
  })
})
