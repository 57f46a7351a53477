import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { readBaselines } from '../../src/baselines/store.ts'
import { parseResults } from '../../src/cli/read-results.ts'
import { validateLoadConfig } from '../../src/config/validate.ts'
import { parseDuration, scanDuration } from '../../src/core/duration.ts'
import { PerfError } from '../../src/core/errors.ts'
import { formatCsv } from '../../src/reporters/csv.ts'
import { renderHtml } from '../../src/reporters/html.ts'
import { resolveKpi } from '../../src/reporters/kpi.ts'
import { formatMarkdown } from '../../src/reporters/markdown.ts'
import { parseThreshold } from '../../src/thresholds/parse.ts'

// Every reader and writer of user input, on generated input: only PerfErrors, every case quick,
// and no `<` of the input ever reaches report.html as markup. Seeded, so a failure reproduces.
const SEED = 20_260_101
// A hang runs for seconds or forever; a case on a loaded 2-core machine can stall for a few
// hundred ms (a GC, the scheduler): CI saw 254 ms against the former 250 ms bound.
const CASE_MS = 2_000
let cases = 0
const started = performance.now()

/** Runs `fn` as one case: a PerfError is an answer, anything else thrown fails; so does a slow case. */
function safely(fn: () => unknown): void {
  cases++
  const t0 = performance.now()
  try {
    fn()
  } catch (e) {
    if (!(e instanceof PerfError)) throw e
  }
  expect(performance.now() - t0).toBeLessThan(CASE_MS)
}

const run = (property: fc.IProperty<unknown>, numRuns: number) => fc.assert(property, { seed: SEED, numRuns })

// Text users write, with the characters that matter to parsers and to HTML, Markdown and CSV.
const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom(...'<>&"\'`|#*_[]()!\\\n\r=+-@ 0123456789.:%/sumhp(){}'.split('')) }),
  fc.constantFrom('<script>alert(1)</script>', '</details>', '![x](http://e/x.png)', '=HYPERLINK("x")', 'constructor', '__proto__'),
)
const INJECT = '<zq-inject'

describe('fuzzing the readers and writers of user input', () => {
  it('the threshold parser throws only PerfErrors', () => {
    const expressions = fc.oneof(
      hostileText,
      fc
        .tuple(fc.constantFrom('p(95)', 'avg', 'rate', 'count', 'p(', 'max', ''), fc.constantFrom('<', '<=', '>', '==', '!=', '=<', ''))
        .chain(([a, op]) =>
          fc.tuple(fc.constant(a + op), fc.oneof(fc.double().map(String), hostileText), fc.oneof(fc.constant(''), hostileText)),
        )
        .map(([head, value, tail]) => `${head}${value}${tail}`),
    )
    run(
      fc.property(expressions, (e) => safely(() => parseThreshold(e))),
      3000,
    )
  })

  it('the duration parser never throws and gives a finite number ≥ 0 or undefined', () => {
    const durations = fc.oneof(
      fc.anything(),
      hostileText,
      fc
        .array(fc.tuple(fc.nat(1e6), fc.constantFrom('h', 'm', 's', 'ms', 'us', 'µs', 'x', '')))
        .map((p) => p.map((x) => x.join('')).join('')),
    )
    run(
      fc.property(durations, fc.nat(20), (d, at) => {
        cases++
        const t0 = performance.now()
        const ms = parseDuration(d)
        if (ms !== undefined) expect(Number.isFinite(ms) && ms >= 0).toBe(true)
        if (typeof d === 'string') scanDuration(d, Math.min(at, d.length))
        expect(performance.now() - t0).toBeLessThan(CASE_MS)
      }),
      3000,
    )
  })

  it('the config validator throws only PerfErrors, whatever the values', () => {
    const value = fc.oneof(fc.anything(), fc.double(), fc.integer(), hostileText, fc.constantFrom(1e9, Infinity, '1000h', -1, 0, null))
    const config = fc.record(
      {
        executor: fc.oneof(
          fc.constantFrom(
            'constant-vus',
            'ramping-vus',
            'shared-iterations',
            'per-vu-iterations',
            'constant-arrival-rate',
            'ramping-arrival-rate',
            'fixed-interval',
          ),
          value,
        ),
        vus: value,
        duration: value,
        rate: value,
        maxVUs: value,
        iterations: value,
        stages: fc.oneof(value, fc.array(fc.record({ duration: value, target: value }), { maxLength: 3 })),
        thresholds: fc.oneof(value, fc.dictionary(hostileText, fc.oneof(value, fc.array(value, { maxLength: 3 })), { maxKeys: 3 })),
        unbounded: value,
        overload: value,
      },
      { requiredKeys: [] },
    )
    run(
      fc.property(fc.oneof(config, fc.anything()), (c) => safely(() => validateLoadConfig(c))),
      2000,
    )
  })

  const summary = fc.record({
    count: fc.nat(1e6),
    min: fc.double({ noNaN: true, noDefaultInfinity: true }),
    p95: fc.double({ min: 0, max: 1e6, noNaN: true }),
  })
  const result = fc.record(
    {
      name: fc.oneof(hostileText, fc.anything()),
      state: fc.oneof(fc.constantFrom('completed', 'aborted'), fc.anything()),
      abort: fc.oneof(fc.record({ reason: fc.constantFrom('threshold', 'signal'), detail: hostileText }), fc.anything()),
      config: fc.oneof(fc.record({ executor: hostileText }), fc.anything()),
      iterations: fc.oneof(fc.nat(), fc.anything()),
      latency: fc.oneof(summary, fc.anything()),
      errors: fc.oneof(
        fc.record({ byKind: fc.dictionary(hostileText, fc.record({ count: fc.nat(), message: hostileText })) }),
        fc.anything(),
      ),
      thresholds: fc.oneof(
        fc.array(
          fc.record({ metric: hostileText, expression: hostileText, ok: fc.boolean(), actual: fc.constant(null), note: hostileText }),
          { maxLength: 2 },
        ),
        fc.anything(),
      ),
    },
    { requiredKeys: [] },
  )
  const resultsFile = fc.record({
    version: fc.oneof(fc.constant(1), fc.anything()),
    tests: fc.oneof(
      fc.array(fc.record({ test: fc.oneof(hostileText, fc.anything()), results: fc.array(result, { maxLength: 2 }) }), { maxLength: 2 }),
      fc.anything(),
    ),
  })

  it('the results reader throws only PerfErrors (PERF_RESULTS_INVALID with paths for wrong types)', () => {
    run(
      fc.property(
        fc.oneof(
          resultsFile.map((f) => JSON.stringify(f) ?? ''),
          fc.string(),
          fc.json(),
        ),
        (text) => safely(() => parseResults(text, 'results.json')),
      ),
      1500,
    )
  })

  const dir = mkdtempSync(path.join(tmpdir(), 'vitest-perf-fuzz-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('the baseline reader rejects only with PerfErrors', async () => {
    const baseline = fc.record({
      version: fc.oneof(fc.constant(1), fc.anything()),
      entries: fc.oneof(fc.dictionary(hostileText, fc.anything(), { maxKeys: 3 }), fc.anything()),
    })
    const file = path.join(dir, 'b.json')
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          baseline.map((b) => JSON.stringify(b) ?? ''),
          fc.string(),
        ),
        async (text) => {
          cases++
          writeFileSync(file, text)
          await readBaselines(file).catch((e: unknown) => {
            if (!(e instanceof PerfError)) throw e
          })
        },
      ),
      { seed: SEED, numRuns: 300 },
    )
  })

  // Valid files with hostile text: what the writers must escape.
  const hostileEntries = fc
    .array(
      fc.record({
        test: hostileText,
        name: hostileText,
        detail: hostileText,
        expression: hostileText,
        kind: hostileText,
        message: hostileText,
        matrixName: hostileText,
        cellValue: fc.oneof(hostileText, fc.integer()),
      }),
      { minLength: 1, maxLength: 2 },
    )
    .map((rows) =>
      JSON.stringify({
        version: 1,
        tests: rows.map((r) => ({
          test: `${INJECT}${r.test}`,
          results: [
            {
              name: `${r.name}${INJECT}`,
              config: { executor: `${INJECT}x` },
              abort: { reason: 'threshold', detail: `${INJECT}${r.detail}` },
              thresholds: [{ metric: `${INJECT}m`, expression: `${r.expression}${INJECT}`, ok: false, actual: null, note: INJECT }],
              errors: { count: 1, rate: 1, byKind: { [`${INJECT}${r.kind}`]: { count: 1, message: `${INJECT}${r.message}` } } },
              matrix: { matrix: `${INJECT}${r.matrixName}`, cell: { [`${INJECT}d`]: r.cellValue }, dimensions: [`${INJECT}d`] },
            },
          ],
        })),
      }),
    )
  const kpi = resolveKpi()
  const library = { js: 'window.uPlot = function () {}', css: '.uplot {}' }

  it('report.html never lets a < of the input through', () => {
    run(
      fc.property(hostileEntries, (text) =>
        safely(() => {
          const html = renderHtml(parseResults(text, 'r.json'), { kpi, library })
          expect(html).not.toContain(INJECT)
          expect(html).not.toMatch(/<script>alert|<\/details>\s*<zq/)
        }),
      ),
      400,
    )
  })

  it('report.md and summary.csv escape the input', () => {
    run(
      fc.property(hostileEntries, (text) =>
        safely(() => {
          const entries = parseResults(text, 'r.json')
          const md = formatMarkdown(entries, { kpi })
          expect(md).not.toContain(INJECT)
          expect(md.match(/<\/details>/g)).toHaveLength(1)
          const csv = formatCsv(entries, kpi)
          // Fields of the whole file, quoted ones across line breaks too: none may start a formula.
          for (const [, field] of csv.matchAll(/(?:^|,|\n)("(?:[^"]|"")*"|[^,\n"]*)/g)) {
            const value = field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field
            if (!/^-\d/.test(value)) expect(value).not.toMatch(/^[=+@\t\r-]/)
          }
        }),
      ),
      600,
    )
  })

  afterAll(() => {
    const seconds = (performance.now() - started) / 1000
    console.log(`fuzz: ${cases} cases in ${seconds.toFixed(1)} s`)
  })
})
