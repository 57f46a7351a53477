import type { LeakFinding } from './leak.ts'
import { runNeeded } from './memory-growth.ts'

const MB = 2 ** 20

function amount(f: LeakFinding, v: number, digits = 2): string {
  return f.unit === 'B' ? `${(v / MB).toFixed(digits)}MB` : v.toFixed(1)
}

const seconds = (s: number) => `${Math.round(s * 10) / 10}s`

/** A limit as written: '< 1MB/min', '< 2/min'. */
export function formatLimit(f: Pick<LeakFinding, 'unit' | 'limit'>): string {
  return f.unit === 'B' ? `< ${Number((f.limit / MB).toFixed(3))}MB/min` : `< ${Number(f.limit.toFixed(3))}/min`
}

/** One line per series: its growth rate and the evidence, and whether the run was long enough to judge it. */
export function formatFinding(f: LeakFinding): string {
  const e = f.evidence
  let text: string
  if (!e) text = `${f.series}: no growth shown`
  else if (e.kind === 'trend') {
    const after = f.series === 'heap' ? ' after GC' : ''
    text = `${f.series}: ${amount(f, e.slope.slope * 60)}/min [95% ${amount(f, e.slope.low * 60)}, ${amount(f, e.slope.high * 60)}] over ${e.slope.points} samples${after} (${e.growth >= 0 ? '+' : ''}${amount(f, e.growth)} in ${seconds(e.span)})`
  } else {
    text = `${f.series}: ${amount(f, e.perSecond * 60)}/min at least (+${amount(f, e.growth)} from ${seconds(e.from)} to ${seconds(e.to)}: live after a full GC at the end − used at ${seconds(e.from)}, garbage included)`
  }
  return text
}

const list = (names: string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0])

/**
 * Series that passed without being able to show a leak at their limit, one line per reason and
 * limit: what a leak at the limit would have grown, or what was missing, and what to do.
 */
export function inconclusiveNotes(findings: LeakFinding[]): string[] {
  const groups = new Map<string, LeakFinding[]>()
  for (const f of findings) {
    if (f.leak || !f.inconclusive) continue
    const key = `${f.inconclusive} ${formatLimit(f)}`
    groups.set(key, [...(groups.get(key) ?? []), f])
  }
  return [...groups.values()].map((group) => {
    const f = group[0]
    const names = list(group.map((g) => g.series))
    const perSecond = f.limit / 60
    if (f.inconclusive === 'too-short')
      return `too short to judge ${names} at ${formatLimit(f)}: a leak at that rate grows ${amount(f, perSecond * f.span)} in the ${seconds(f.span)} judged, under the ${amount(f, f.floor)} it must reach to be told from settling; a run of ≥ ${runNeeded(perSecond, f.floor)}s (or a higher limit) can show it`
    return `${names} not judged at ${formatLimit(f)}: garbage could hide such a leak (V8 ran no major GC early enough to measure what was live, only the monitor's full GC at the end did); run(…, { monitor: { preciseHeap: true } }) measures it every second`
  })
}
