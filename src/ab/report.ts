import path from 'node:path'
import { formatComparison, formatComparisonMarkdown } from '../baselines/format.ts'
import { comparePaired, type PairedOptions } from '../baselines/paired.ts'
import type { BaselineComparison, RepetitionSummary } from '../core/result.ts'
import { writeFileAtomic } from '../fs/write-atomic.ts'
import type { SideFailure } from './sides.ts'
import { firstOfPair, type RunRecord } from './turn-book.ts'
import type { Revisions } from './worktree.ts'

const values = (r: RepetitionSummary) => ({
  p50: r.latency.p50,
  p95: r.latency.p95,
  p99: r.latency.p99,
  throughput: r.throughput,
  errorRate: r.errorRate,
  iterations: r.iterations,
  ...(r.probe ? { probe: r.probe } : {}),
  ...(r.otherCores !== undefined ? { otherCores: r.otherCores } : {}),
})

/** One run of a test: compared in pairs, or on one side only. */
export interface AbRun {
  test: string
  run: number
  name?: string
  /** new / removed: the test is on one side only; one side only: both have the test, one measured no such run. */
  status: 'compared' | 'new' | 'removed, not compared' | 'one side only'
  comparison?: BaselineComparison
  pairs: Array<{ index: number; first: 'base' | 'head'; base: ReturnType<typeof values>; head: ReturnType<typeof values> }>
  /** The side that measured the run and its repetitions, when only one did. */
  side?: 'base' | 'head'
  repetitions?: number
}

export interface AbOutcome {
  revisions: Revisions
  vitestArgs: string[]
  modules: string
  durationMs: number
  /** Where the time went: the base checkout, both test lists, both Vitest runs in turns. */
  phases: { checkoutMs: number; listMs: number; runMs: number }
  runs: AbRun[]
  failures: SideFailure[]
}

/** Every run both sides measured, judged pairwise; runs of one side only are listed as new, removed, or measured on one side only. */
export function judgeRuns(records: Iterable<RunRecord>, paired: (test: string) => boolean, options: PairedOptions = {}): AbRun[] {
  const runs: AbRun[] = []
  for (const record of records) {
    const base = record.done.base.filter(Boolean)
    const head = record.done.head.filter(Boolean)
    const name = (head[0] ?? base[0])?.name
    if (base.length === 0 || head.length === 0) {
      const only = base.length ? base : head
      const status = paired(record.test) ? 'one side only' : base.length ? 'removed, not compared' : 'new'
      runs.push({
        test: record.test,
        run: record.run,
        name,
        status,
        pairs: [],
        side: base.length ? 'base' : 'head',
        repetitions: only.length,
      })
      continue
    }
    const n = Math.min(base.length, head.length)
    runs.push({
      test: record.test,
      run: record.run,
      name,
      status: 'compared',
      comparison: comparePaired(
        base.map((d) => d.summary),
        head.map((d) => d.summary),
        head[0].executor,
        options,
      ),
      pairs: Array.from({ length: n }, (_, i) => ({
        index: i,
        first: firstOfPair(i),
        base: values(base[i].summary),
        head: values(head[i].summary),
      })),
    })
  }
  return runs
}

/** A repetition's machine probe before → after it, in ms. */
const probe = (p: { before: number; after: number } | undefined) => (p ? `${p.before.toFixed(1)} → ${p.after.toFixed(1)}ms` : 'n/a')
/** Cores other processes kept busy during a repetition. */
const others = (cores: number | undefined) => (cores === undefined ? 'n/a' : cores.toFixed(2))

const title = (r: AbRun) => `"${r.test}"${r.run > 0 ? ` [run ${r.run + 1}${r.name ? `: ${r.name}` : ''}]` : ''}`
const short = (sha: string) => sha.slice(0, 10)

function headline(o: AbOutcome): string {
  const { base, head } = o.revisions
  const dirty = head.changed.length
    ? ` + the work tree's uncommitted changes (${head.changed.length} file${head.changed.length === 1 ? '' : 's'}): head is the work tree`
    : ''
  return `vitest-perf ab: base ${base.ref} (${short(base.sha)}) against head ${short(head.sha)}${dirty}`
}

export function exitCode(o: AbOutcome): number {
  return o.failures.length > 0 || o.runs.some((r) => r.comparison?.verdict === 'REGRESSION') ? 1 : 0
}

function tally(o: AbOutcome): string {
  const compared = o.runs.filter((r) => r.comparison)
  const count = (v: string) => compared.filter((r) => r.comparison!.verdict === v).length
  const parts = ['REGRESSION', 'INCONCLUSIVE', 'IMPROVEMENT', 'PASS'].map((v) => `${count(v)} ${v}`)
  const failed = o.failures.length ? `, ${o.failures.length} failed test${o.failures.length === 1 ? '' : 's'}` : ''
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  const { checkoutMs, listMs, runMs } = o.phases
  return `${compared.length} run${compared.length === 1 ? '' : 's'} compared in pairs (${parts.join(', ')})${failed}; ${s(o.durationMs)} (checkout ${s(checkoutMs)}, test lists ${s(listMs)}, runs in turns ${s(runMs)})`
}

const oneSided = (o: AbOutcome) =>
  o.runs
    .filter((r) => !r.comparison)
    .map((r) =>
      r.status === 'one side only'
        ? `${title(r)}: measured on the ${r.side} side only (${r.repetitions} repetitions), not compared`
        : `${title(r)}: ${r.status} (${r.repetitions} repetitions on the ${r.side} side only)`,
    )
const failed = (o: AbOutcome) => o.failures.map((f) => `${f.test} failed on the ${f.side} side:\n${f.message.replace(/^/gm, '    ')}`)

export function formatText(o: AbOutcome): string {
  const out = [headline(o), '']
  for (const r of o.runs) if (r.comparison) out.push(formatComparison(r.comparison, `${title(r)} (paired: base → head)`), '')
  const one = oneSided(o)
  if (one.length) out.push('Not compared:', ...one.map((l) => `  - ${l}`), '')
  const f = failed(o)
  if (f.length) out.push('Failed tests (the comparison cannot be trusted; exit 1):', ...f.map((l) => `  - ${l}`), '')
  out.push(tally(o))
  return out.join('\n')
}

export function formatMarkdown(o: AbOutcome): string {
  const out = [
    `### ${headline(o)}`,
    '',
    tally(o),
    '',
    `Vitest arguments: \`${o.vitestArgs.join(' ') || '(none)'}\`; base dependencies: ${o.modules}.`,
    '',
  ]
  for (const r of o.runs) {
    if (!r.comparison) continue
    out.push(formatComparisonMarkdown(r.comparison, `${title(r)} (paired: base → head)`), '')
    out.push(
      '<details><summary>pairs</summary>',
      '',
      '| pair | order | base p50 | head p50 | base throughput | head throughput | base probe | head probe | base other cores | head other cores |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    )
    for (const p of r.pairs)
      out.push(
        `| ${p.index} | ${p.first === 'base' ? 'base, head' : 'head, base'} | ${p.base.p50.toFixed(3)}ms | ${p.head.p50.toFixed(3)}ms | ${p.base.throughput.toFixed(1)}/s | ${p.head.throughput.toFixed(1)}/s | ${probe(p.base.probe)} | ${probe(p.head.probe)} | ${others(p.base.otherCores)} | ${others(p.head.otherCores)} |`,
      )
    out.push('', '</details>', '')
  }
  const one = oneSided(o)
  if (one.length) out.push('**Not compared**', '', ...one.map((l) => `- ${l}`), '')
  const f = failed(o)
  if (f.length)
    out.push(
      '**Failed tests**',
      '',
      ...o.failures.map((x) => `- ${x.test} on the ${x.side} side:\n\n  \`\`\`\n${x.message.replace(/^/gm, '  ')}\n  \`\`\``),
      '',
    )
  return out.join('\n')
}

/** report.md and results.json in `dir`; returns their paths. */
export async function writeAbReports(dir: string, o: AbOutcome): Promise<string[]> {
  const md = path.join(dir, 'report.md')
  const json = path.join(dir, 'results.json')
  await writeFileAtomic(md, formatMarkdown(o) + '\n')
  await writeFileAtomic(json, JSON.stringify({ version: 1, kind: 'vitest-perf-ab', exitCode: exitCode(o), ...o }, null, 2) + '\n')
  return [md, json]
}
