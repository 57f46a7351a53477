import type { Grade, KpiBounds, KpiDef } from './kpi.ts'

/** Milliseconds with three significant digits or so, switching to seconds from 1 s. */
export function formatMs(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 1 : 2)} s`
  if (v >= 100) return `${v.toFixed(0)} ms`
  return `${v.toFixed(v >= 10 ? 1 : 2)} ms`
}

export function formatRate(v: number): string {
  return `${v.toFixed(v >= 100 ? 0 : 1)}/s`
}

/** A percentage (already ×100); never rounds 99.96 up to a misleading 100. */
export function formatPercent(v: number): string {
  if (v >= 100) return '100%'
  const digits = v >= 99 ? 2 : 1
  const factor = 10 ** digits
  return `${(Math.floor(v * factor) / factor).toFixed(digits)}%`
}

export function formatMb(v: number): string {
  return v >= 1024 ? `${(v / 1024).toFixed(2)} GB` : `${v.toFixed(v >= 100 ? 0 : 1)} MB`
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

export function formatKpiValue(v: number, unit: KpiDef['unit']): string {
  if (unit === 'ms') return formatMs(v)
  if (unit === '/s') return formatRate(v)
  if (unit === '%') return formatPercent(v)
  return formatMb(v)
}

/** `> 50/s`, `< 1.00 s`: how a bound of the KPI table reads. */
export function formatBound(value: number, unit: KpiDef['unit'], op: '<' | '>'): string {
  const round = (v: number) => Math.round(v * 100) / 100
  if (unit === 'ms') return `${op} ${value >= 1000 ? `${round(value / 1000)} s` : `${round(value)} ms`}`
  if (unit === 'MB') return `${op} ${value >= 1024 ? `${round(value / 1024)} GB` : `${round(value)} MB`}`
  return `${op} ${round(value)}${unit}`
}

export function boundTexts(bounds: KpiBounds, def: KpiDef): Record<'good' | 'acceptable' | 'poor', string> {
  const beat = def.better === 'higher' ? '>' : '<'
  const miss = def.better === 'higher' ? '<' : '>'
  return {
    good: formatBound(bounds.good, def.unit, beat),
    acceptable: formatBound(bounds.acceptable, def.unit, beat),
    poor: formatBound(bounds.poor, def.unit, miss),
  }
}

export const GRADE_LABEL: Record<Grade, string> = { good: 'Good', acceptable: 'Acceptable', marginal: 'Marginal', poor: 'Poor' }
export const GRADE_ICON: Record<Grade, string> = { good: '🟢', acceptable: '🟡', marginal: '🟠', poor: '🔴' }
