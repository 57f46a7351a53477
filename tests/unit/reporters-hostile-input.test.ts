import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { parseResults } from '../../src/cli/read-results.ts'
import { PerfError } from '../../src/core/errors.ts'
import { csvCell, escapeHtml, escapeMarkdown, markdownCode } from '../../src/core/escape.ts'
import type { BaselineComparison, RunResult } from '../../src/core/result.ts'
import type { PerfTestEntry } from '../../src/reporters/collect.ts'
import { formatCsv } from '../../src/reporters/csv.ts'
import { percentileGrid } from '../../src/reporters/html-data.ts'
import { renderHtml } from '../../src/reporters/html.ts'
import { resolveKpi } from '../../src/reporters/kpi.ts'
import { formatMarkdown } from '../../src/reporters/markdown.ts'
import { matrixCsv, matrixRows } from '../../src/reporters/matrix-table.ts'

const kpi = resolveKpi()
const library = { js: 'window.uPlot = function () {}', css: '.uplot {}' }
const EVIL = '<img src=x onerror=alert(1)>'

function result(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const latency = { count: 10, min: 1, mean: 2, p50: 2, p90: 3, p95: 3, p99: 4, p999: 4, max: 4 }
  return {
    version: 1,
    name: 'orders',
    state: 'completed',
    config: { executor: 'constant-vus' },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1000,
    iterations: 10,
    failed: 0,
    dropped: 0,
    throughput: 10,
    latency,
    serviceTime: latency,
    errors: { count: 0, rate: 0, byKind: {} },
    ...overrides,
  }
}
const file = (results: unknown[], test = 'a test') => JSON.stringify({ version: 1, tests: [{ file: 'a.test.ts', test, results }] })

function invalid(text: string): string {
  try {
    parseResults(text, 'results.json')
  } catch (e) {
    expect(e).toBeInstanceOf(PerfError)
    expect((e as PerfError).code).toBe('PERF_RESULTS_INVALID')
    return (e as PerfError).message
  }
  throw new Error('expected PERF_RESULTS_INVALID')
}

describe('results.json is validated when read back', () => {
  it('errors.byKind[k].count given as a string with markup is refused with its path', () => {
    const message = invalid(file([result({ errors: { count: 1, rate: 1, byKind: { E: { count: `1${EVIL}`, message: 'x' } } } })]))
    expect(message).toContain('tests[0].results[0].errors.byKind.E.count: must be a number')
  })

  it('latency.count: "Infinity" is refused (it made the percentile grid loop until the heap ran out)', () => {
    expect(invalid(file([result({ latency: { count: 'Infinity' } })]))).toContain('tests[0].results[0].latency.count')
    expect(percentileGrid(Infinity)).toEqual([])
  })

  it('wrong types are problems with paths, not TypeErrors', () => {
    const message = invalid(file([result({ name: 12345, abort: 'x', thresholds: [null] })]))
    expect(message).toContain('tests[0].results[0].name: must be a string, got 12345')
    expect(message).toContain('tests[0].results[0].abort: must be an object, got "x"')
    expect(message).toContain('tests[0].results[0].thresholds[0]: must be an object, got null')
    expect(invalid(JSON.stringify({ version: 1, tests: [{ results: 'no' }] }))).toContain('tests[0].results: must be an array')
  })

  it('a valid file with hostile text reads fine and every writer escapes it', () => {
    const text = file(
      [
        result({
          name: `# Heading\n</details>![x](http://e/x.png)${EVIL}`,
          abort: { reason: 'threshold', detail: `</details>\n# injected ${EVIL}` },
          thresholds: [{ metric: 'latency', expression: 'p(95)<1`</details>`<b>', ok: false, actual: 5, unit: '<u>' }],
          errors: { count: 1, rate: 0.1, byKind: { [EVIL]: { count: 1, message: EVIL } } },
        }),
      ],
      `=HYPERLINK("http://evil")${EVIL}`,
    )
    const entries = parseResults(text, 'results.json')
    const html = renderHtml(entries, { kpi, library })
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<b>')
    expect(html).not.toContain('<u>')
    const md = formatMarkdown(entries, { kpi })
    expect(md).not.toMatch(/<img|<\/details>\n# injected|\n# Heading|!\[x\]/)
    expect(md.split('</details>').length).toBe(2) // only the KPI legend closes a details element
    const csv = formatCsv(entries, kpi)
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")`)
  })
})

describe('one escape function per format', () => {
  it('HTML: no markup character survives', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;')
  })

  it('Markdown: no HTML, heading, link, image, emphasis or table break', () => {
    expect(escapeMarkdown('a|b\n# c ![i](u) *e* <x>')).toBe('a\\|b \\# c \\!\\[i\\](u) \\*e\\* &lt;x&gt;')
    expect(markdownCode('p(95)<1`x`|y')).toBe('<code>p(95)&lt;1&#96;x&#96;&#124;y</code>')
  })

  it('CSV: formula-like text gets a leading quote, numbers stay numbers', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', 'plain', -5, 3].map(csvCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      'plain',
      '-5',
      '3',
    ])
    expect(csvCell('=a,b')).toBe(`"'=a,b"`)
  })

  it('matrix.csv and the matrix section of report.md escape names and values', () => {
    const r = { ...result({ matrix: { matrix: `=cmd|'/c calc'!A0`, cell: { '@dim': '-2+3', n: 1 }, dimensions: ['@dim', 'n'] } }) }
    const entries: PerfTestEntry[] = parseResults(file([r]), 'results.json')
    const csv = matrixCsv(matrixRows(entries))
    expect(csv.split('\n')[0]).toBe("matrix,'@dim,n,throughput_per_s,p50_ms,p95_ms,p99_ms,error_rate,scaling_efficiency,slo_met")
    expect(csv.split('\n')[1].startsWith(`'=cmd|'/c calc'!A0,'-2+3,1,`)).toBe(true)
    const md = formatMarkdown(entries, { kpi })
    expect(md).toContain("### Matrix: =cmd\\|'/c calc'\\!A0")
  })

  it('baseline titles, recommendations and notes in report.md are text', () => {
    const baseline: BaselineComparison = {
      verdict: 'PASS',
      metrics: [],
      repetitions: { baseline: 1, current: 1 },
      alpha: 0.01,
      recommendations: [`</details>${EVIL}`],
      notes: ['# note'],
    }
    baseline.metrics.push({
      metric: 'throughput',
      verdict: 'PASS',
      baseline: 1,
      current: 1,
      change: 0,
      interval: { low: 0, high: 0 },
      p: 1,
      unit: '/s',
      absolute: false,
    })
    const entries = parseResults(file([result({ name: `<script>x</script>`, baseline })]), 'results.json')
    const md = formatMarkdown(entries, { kpi })
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('<img')
    expect(md).toContain('\\# note')
  })
})

describe("report.html's CSP", () => {
  it("has no 'unsafe-inline': each inline script and style is allowed by its hash", () => {
    const html = renderHtml(parseResults(file([result()]), 'r.json'), { kpi, library })
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)![1]
    expect(csp).not.toContain('unsafe-inline')
    const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`
    for (const [, body] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) expect(csp).toContain(sha(body))
    for (const [, body] of html.matchAll(/<style>([\s\S]*?)<\/style>/g)) expect(csp).toContain(sha(body))
  })
})

export type { RunResult }
