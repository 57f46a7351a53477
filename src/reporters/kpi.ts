import type { RunResult } from '../core/result.ts'
import { peakMemoryMb } from './resources.ts'

/** Marginal: misses the Acceptable bound but has not crossed the Poor one (the KPI table leaves that gap). */
export type Grade = 'good' | 'acceptable' | 'marginal' | 'poor'

export type KpiName = 'throughput' | 'avgLatency' | 'p99Latency' | 'successRate' | 'memory'

/** Good and Acceptable are bounds to beat (strictly); Poor is the bound whose crossing is Poor. */
export interface KpiBounds {
  good: number
  acceptable: number
  poor: number
}

export type KpiTable = Record<KpiName, KpiBounds | false>

/** What users pass: any bound of any KPI, or `false` to leave a KPI out. */
export type KpiOverrides = Partial<Record<KpiName, Partial<KpiBounds> | false>>

export interface KpiDef {
  label: string
  unit: 'ms' | '/s' | '%' | 'MB'
  better: 'higher' | 'lower'
}

export const KPI_NAMES: readonly KpiName[] = ['throughput', 'avgLatency', 'p99Latency', 'successRate', 'memory']

export const KPI_DEFS: Record<KpiName, KpiDef> = {
  throughput: { label: 'Throughput', unit: '/s', better: 'higher' },
  avgLatency: { label: 'Avg latency', unit: 'ms', better: 'lower' },
  p99Latency: { label: 'p99 latency', unit: 'ms', better: 'lower' },
  successRate: { label: 'Success', unit: '%', better: 'higher' },
  memory: { label: 'Memory (test process)', unit: 'MB', better: 'lower' },
}

export const DEFAULT_KPI: KpiTable = {
  throughput: { good: 50, acceptable: 10, poor: 5 },
  avgLatency: { good: 1000, acceptable: 5000, poor: 10_000 },
  p99Latency: { good: 5000, acceptable: 15_000, poor: 30_000 },
  successRate: { good: 99, acceptable: 95, poor: 90 },
  memory: { good: 500, acceptable: 1024, poor: 2048 },
}

const ORDER: Record<Grade, number> = { good: 0, acceptable: 1, marginal: 2, poor: 3 }

export function resolveKpi(overrides: KpiOverrides = {}): KpiTable {
  const table = { ...DEFAULT_KPI }
  for (const name of KPI_NAMES) {
    const o = overrides[name]
    if (o === undefined) continue
    const base = DEFAULT_KPI[name] as KpiBounds
    table[name] = o === false ? false : { ...base, ...o }
  }
  return table
}

export function gradeValue(value: number, bounds: KpiBounds, better: KpiDef['better']): Grade {
  if (better === 'higher') {
    if (value > bounds.good) return 'good'
    if (value > bounds.acceptable) return 'acceptable'
    return value < bounds.poor ? 'poor' : 'marginal'
  }
  if (value < bounds.good) return 'good'
  if (value < bounds.acceptable) return 'acceptable'
  return value > bounds.poor ? 'poor' : 'marginal'
}

export function worstGrade(grades: Grade[]): Grade | undefined {
  return grades.reduce<Grade | undefined>((worst, g) => (worst === undefined || ORDER[g] > ORDER[worst] ? g : worst), undefined)
}

/**
 * Share of the planned iterations that finished without error, in %. Dropped and interrupted
 * iterations count against it: a user who arrived and was never served did not succeed.
 */
export function successRate(r: Pick<RunResult, 'iterations' | 'dropped' | 'interrupted' | 'failed'>): number | undefined {
  const planned = r.iterations + r.dropped + r.interrupted
  return planned === 0 ? undefined : ((r.iterations - r.failed) / planned) * 100
}

/** The value each KPI grades, or undefined when the run has nothing to grade it on. */
export function kpiValues(r: RunResult): Record<KpiName, number | undefined> {
  const measured = r.latency.count > 0
  return {
    throughput: r.throughput,
    avgLatency: measured ? r.latency.mean : undefined,
    p99Latency: measured ? r.latency.p99 : undefined,
    successRate: successRate(r),
    memory: peakMemoryMb(r.resources),
  }
}

export interface KpiGrade {
  value: number
  grade: Grade
}

export interface KpiGrades {
  byKpi: Partial<Record<KpiName, KpiGrade>>
  /** The worst of the KPI grades; undefined when none could be graded. */
  overall: Grade | undefined
}

export function gradeRun(r: RunResult, table: KpiTable): KpiGrades {
  const values = kpiValues(r)
  const byKpi: KpiGrades['byKpi'] = {}
  for (const name of KPI_NAMES) {
    const bounds = table[name]
    const value = values[name]
    if (bounds === false || value === undefined || !Number.isFinite(value)) continue
    byKpi[name] = { value, grade: gradeValue(value, bounds, KPI_DEFS[name].better) }
  }
  return { byKpi, overall: worstGrade(Object.values(byKpi).map((g) => g.grade)) }
}
