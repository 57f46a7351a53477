import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const tsc = path.join(root, 'node_modules/typescript/bin/tsc')
// A plain Node process: none of the VITEST* variables this worker has.
const plainEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')))
const node = (args: string[], cwd = root) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000, env: plainEnv })

// The package as users get it: compiled to dist/, imported by plain Node, its bin run.
describe('the built package', () => {
  let pkg: string

  beforeAll(() => {
    pkg = mkdtempSync(path.join(tmpdir(), 'vitest-perf-pkg-'))
    copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'))
    symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'))
    const build = node([tsc, '-p', 'tsconfig.build.json', '--outDir', path.join(pkg, 'dist')])
    expect(build.status, build.stdout + build.stderr).toBe(0)
  })

  afterAll(() => rmSync(pkg, { recursive: true, force: true }))

  it('type-checks strictly, tests and benches included', () => {
    const check = node([tsc, '-p', 'tsconfig.json', '--noEmit'])
    expect(check.status, check.stdout + check.stderr).toBe(0)
  })

  it('has the public API of the reports in api/ (api-extractor on the built declarations)', () => {
    const check = node(['scripts/api-report.ts', '--check', path.join(pkg, 'dist')])
    expect(check.status, `the public API changed; run npm run api:update and commit the report\n${check.stdout}${check.stderr}`).toBe(0)
  })

  it('imports from plain Node (outside Vitest) and runs a load', () => {
    const script = path.join(pkg, 'script.mjs')
    writeFileSync(
      script,
      `import { runLoad, perfTest } from './dist/index.js'
       import { perf, tiers } from './dist/plugin.js'
       import { decodeHistogram, mergeEncoded } from './dist/node.js'
       const r = await runLoad({ executor: 'shared-iterations', vus: 2, iterations: 50 }, async () => {})
       const merged = decodeHistogram(mergeEncoded([r.histograms.latency, r.histograms.latency]))
       console.log(JSON.stringify({ iterations: r.iterations, merged: merged.totalCount, perfTest: typeof perfTest, perf: typeof perf, tiers: tiers().map((t) => t.test.name) }))`,
    )
    const run = node([script], pkg)
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      iterations: 50,
      merged: 100,
      perfTest: 'function',
      perf: 'function',
      tiers: ['tier1', 'tier2', 'tier3'],
    })
  })

  it('runs a load module in worker threads from dist, importing only vitest-perf/load', () => {
    writeFileSync(
      path.join(pkg, 'load.mjs'),
      `import { http } from './dist/load.js'
       export default function load(data) { return (ctx) => { ctx.counter('seen', data.step) } }
       export const client = typeof http.client`,
    )
    const script = path.join(pkg, 'workers.mjs')
    writeFileSync(
      script,
      `import { runLoad } from './dist/index.js'
       const r = await runLoad({ executor: 'shared-iterations', vus: 4, iterations: 400, workers: 2 }, { module: new URL('./load.mjs', import.meta.url), data: { step: 2 } }, { monitor: false })
       console.log(JSON.stringify({ iterations: r.iterations, seen: r.metrics.seen.count, shards: r.shards.map((s) => s.iterations) }))`,
    )
    const run = node([script], pkg)
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({ iterations: 400, seen: 800, shards: [200, 200] })
  })

  it('ships a CLI whose report command prints the summary of a results file', () => {
    const results = path.join(pkg, 'results.json')
    const r = {
      version: 1,
      createdAt: new Date().toISOString(),
      tests: [{ project: 'tier2', file: 'a.test.ts', test: 'orders', state: 'passed', results: [fakeResult()] }],
    }
    writeFileSync(results, JSON.stringify(r))
    const run = node([path.join(pkg, 'dist/cli/main.js'), 'report', results])
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/\[tier2\] orders\s+constant-vus\s+10\s+5\.0\/s\s+1\.00ms\s+2\.00ms\s+3\.00ms\s+0\s+0\s+pass/)
    const missing = node([path.join(pkg, 'dist/cli/main.js'), 'report', path.join(pkg, 'nope.json')])
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/PERF_RESULTS_UNREADABLE: Cannot read .*nope\.json \(ENOENT\)/)
    const version = node([path.join(pkg, 'dist/cli/main.js'), '--version'])
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    const driverUsage = node([path.join(pkg, 'dist/cli/main.js'), 'driver'])
    expect(driverUsage.status).toBe(2)
    expect(driverUsage.stderr).toMatch(/--redis takes a URL/)
    const unknown = node([path.join(pkg, 'dist/cli/main.js'), 'launch'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command "launch"/)
  })

  it('loads in a project without the optional peers, and a fixture names the package to install', () => {
    const project = bareProject(pkg)
    onTestFinished(() => rmSync(project, { recursive: true, force: true }))
    const script = path.join(project, 'entries.mjs')
    writeFileSync(
      script,
      `const entries = ['vitest-perf', 'vitest-perf/plugin', 'vitest-perf/node', 'vitest-perf/load']
       const loaded = await Promise.all(entries.map((e) => import(e).then((m) => Object.keys(m).length > 0)))
       const { runLoad } = await import('vitest-perf')
       const r = await runLoad({ executor: 'shared-iterations', vus: 1, iterations: 10 }, async () => {})
       console.log(JSON.stringify({ loaded, iterations: r.iterations }))`,
    )
    const plain = node([script], project)
    expect(plain.status, plain.stderr).toBe(0)
    expect(JSON.parse(plain.stdout)).toEqual({ loaded: [true, true, true, true], iterations: 10 })

    writeFileSync(
      path.join(project, 'vitest.config.js'),
      `import { perf } from 'vitest-perf/plugin'
       export default { plugins: [perf()], test: { include: ['peers.test.js'] } }`,
    )
    writeFileSync(
      path.join(project, 'peers.test.js'),
      `import { perfTest } from 'vitest-perf'
       perfTest('runs a load', async ({ run }) => { await run({ executor: 'shared-iterations', vus: 1, iterations: 10 }, async () => {}) })
       perfTest('asks for postgres', async ({ postgres }) => { console.log(postgres.url) })`,
    )
    const report = path.join(project, 'report.json')
    const vitest = node([path.join(project, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${report}`], project)
    expect(vitest.status, vitest.stdout + vitest.stderr).toBe(1)
    const tests = (JSON.parse(readFileSync(report, 'utf8')) as VitestJson).testResults[0].assertionResults
    expect(tests.map((t) => [t.title, t.status])).toEqual([
      ['runs a load', 'passed'],
      ['asks for postgres', 'failed'],
    ])
    expect(tests[1].failureMessages[0]).toContain(
      'PerfError: The "pg" package is not installed, and the postgres fixture needs it; fix: npm install -D pg',
    )
  })
})

/**
 * A user's project after `npm i -D vitest vitest-perf`: every package of this repository (linked)
 * but the optional peers, and vitest-perf as a copy, so that its imports resolve there and not here.
 */
function bareProject(pkg: string): string {
  // Outside pkg/, whose node_modules has them all.
  const project = mkdtempSync(path.join(tmpdir(), 'vitest-perf-bare-'))
  const modules = path.join(project, 'node_modules')
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { peerDependenciesMeta: Record<string, object> }
  const optional = new Set(Object.keys(manifest.peerDependenciesMeta))
  const names = readdirSync(path.join(root, 'node_modules')).flatMap((entry) =>
    entry.startsWith('@') ? readdirSync(path.join(root, 'node_modules', entry)).map((sub) => `${entry}/${sub}`) : [entry],
  )
  for (const name of names) {
    if (name.startsWith('.') || optional.has(name)) continue
    mkdirSync(path.dirname(path.join(modules, name)), { recursive: true })
    symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name))
  }
  cpSync(path.join(pkg, 'dist'), path.join(modules, 'vitest-perf/dist'), { recursive: true })
  copyFileSync(path.join(root, 'package.json'), path.join(modules, 'vitest-perf/package.json'))
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }))
  return project
}

interface VitestJson {
  testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }>
}

function fakeResult() {
  const latency = { count: 10, min: 0.5, mean: 1.5, p50: 1, p90: 2, p95: 2, p99: 3, p999: 3, max: 3 }
  return {
    version: 1,
    name: 'orders',
    state: 'completed',
    config: { executor: 'constant-vus' },
    iterations: 10,
    failed: 0,
    dropped: 0,
    throughput: 5,
    latency,
    serviceTime: latency,
    errors: { count: 0, rate: 0, byKind: {} },
    thresholds: [],
  }
}
