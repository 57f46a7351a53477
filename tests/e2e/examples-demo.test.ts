import { spawnSync } from 'node:child_process'
import { globSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const examples = path.join(root, 'examples')
const results = path.join(examples, 'perf-results')
const out = mkdtempSync(path.join(tmpdir(), 'vp-examples-'))

afterAll(() => rmSync(out, { recursive: true, force: true }))

interface JsonReport {
  testResults: { name: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[]
}

// `npm run demo`, shorter: every example folder (whatever is there now or later) must pass, and
// the reporter must write the reports. At 0.02 instead of the demo's 0.05: the examples whose
// length scales (file storage profiles, scale matrix and capacity, baselines) run 2.5× shorter,
// the rest keep their real-time floors (soaks 15-30 s, fault windows, stress ramps, the shop's
// 3 s), so the suite takes ~3.5 minutes instead of ~6 and CI stays under 20. The demo's own scale
// is proven by running `npm run demo` (docs/benchmarks.md). The examples judge their runs in
// counts and against their own steady seconds, so they pass on a shared machine without
// retries. The time limit only catches a hang.
it('runs the whole examples suite green (at 0.02) and writes report.md, report.html, results.json and summary.csv', () => {
  const started = Date.now()
  const json = path.join(out, 'vitest.json')
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', VITEST_PERF_DURATION_SCALE: '0.02' }
  delete env.GITHUB_STEP_SUMMARY // not from a test of the tests
  const run = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      path.join(examples, 'vitest.config.ts'),
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${json}`,
    ],
    { cwd: root, encoding: 'utf8', env, timeout: 1_200_000 },
  )
  const output = `${run.stdout}\n${run.stderr}`
  expect(run.status, output).toBe(0)

  // Every example file ran, and every test in it passed (none failed, none skipped).
  const report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport
  const files = globSync('**/*.perf.test.ts', { cwd: examples, exclude: (f) => f.includes('node_modules') }).sort()
  expect(files.length).toBeGreaterThanOrEqual(5)
  expect(report.testResults.map((r) => path.relative(examples, r.name)).sort()).toEqual(files)
  const tests = report.testResults.flatMap((r) => r.assertionResults)
  const notPassed = tests.filter((t) => t.status !== 'passed').map((t) => `${t.fullName}: ${t.status} ${t.failureMessages.join('\n')}`)
  expect(notPassed, output).toEqual([])

  // The reports are this run's.
  for (const file of ['results.json', 'report.md', 'report.html', 'summary.csv', 'matrix.csv']) {
    expect(statSync(path.join(results, file)).mtimeMs, file).toBeGreaterThanOrEqual(started)
  }
  const written = JSON.parse(readFileSync(path.join(results, 'results.json'), 'utf8')) as {
    tests: { file: string; results: { scenarios?: Record<string, unknown> }[] }[]
  }
  const runs = written.tests.reduce((n, t) => n + t.results.length, 0)
  // summary.csv has a row per run and one more per scenario of a run with scenarios.
  const scenarioRows = written.tests.flatMap((t) => t.results).reduce((n, r) => n + Object.keys(r.scenarios ?? {}).length, 0)
  const withResults = new Set(written.tests.filter((t) => t.results.length > 0).map((t) => t.file))
  for (const file of [
    'quickstart/api.perf.test.ts',
    'endurance/soak.perf.test.ts',
    'distributed/orchestrator.perf.test.ts',
    'workflow-runtime/tier2-baseline.perf.test.ts',
    'hashmap/throughput.perf.test.ts',
    'hashmap/stress.perf.test.ts',
    'hashmap/baseline.perf.test.ts',
    'file-storage/profiles.perf.test.ts',
    'scale/matrix.perf.test.ts',
    'scale/capacity.perf.test.ts',
    'scenarios/shop.perf.test.ts',
  ]) {
    expect(withResults, file).toContain(file)
  }
  expect(scenarioRows).toBe(3)
  expect(readFileSync(path.join(results, 'summary.csv'), 'utf8').trim().split('\n')).toHaveLength(runs + scenarioRows + 1)
  const md = readFileSync(path.join(results, 'report.md'), 'utf8')
  expect(md).toMatch(/^## vitest-perf report/m)
  expect(md).toMatch(/### Matrix: replicated store/)
  expect(md).toMatch(/### Baselines/)
  expect(readFileSync(path.join(results, 'report.html'), 'utf8')).toMatch(/file-storage heavy: 50 users/)
  const matrixRows = readFileSync(path.join(results, 'matrix.csv'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('replicated store,'))
  expect(matrixRows).toHaveLength(12)
}, 1_260_000)
