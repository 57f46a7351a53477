import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const src = (file: string) => JSON.stringify(path.join(root, 'src', file))

/** A handler whose cost is a busy wait of known length: the head's is 30 % longer. */
const handler = (micros: number) => `import { performance } from 'node:perf_hooks'
export function handle(): number {
  const end = performance.now() + ${micros} / 1000
  let spins = 0
  while (performance.now() < end) spins++
  return spins
}
`
// The compared test has 8 repetitions a side: 8 pairs is the fewest at which the signed-rank test can reach p < 0.01.
const perfTestFile = (name: string, repeat: number) => `import { perfTest } from 'vitest-perf'
import { handle } from './handler.ts'

perfTest(${JSON.stringify(name)}, async ({ run }) => {
  await run({ executor: 'per-vu-iterations', vus: 1, iterations: 150 }, () => void handle(), { repeat: ${repeat} })
})
`

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

/** A project in a temp git repository: commit 1 with a 400 µs handler, commit 2 with 520 µs and one more test. */
function fixtureRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vp-ab-e2e-'))
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    writeFileSync(path.join(dir, file), text)
  }
  write('.gitignore', 'node_modules\nperf-results\n')
  write('package.json', JSON.stringify({ name: 'ab-fixture', private: true, type: 'module' }))
  write(
    'vitest.config.ts',
    `import { defineConfig } from 'vitest/config'
import { perf } from ${src('plugin.ts')}

export default defineConfig({
  root: import.meta.dirname,
  resolve: { alias: { 'vitest-perf/load': ${src('load.ts')}, 'vitest-perf': ${src('index.ts')} } },
  plugins: [perf({ results: 'perf-results' })],
  test: { include: ['tests/**/*.perf.ts'], testTimeout: 120_000 },
})
`,
  )
  write('src/handler.ts', handler(400))
  write('tests/handler.perf.ts', perfTestFile('handler under load', 8).replace('./handler.ts', '../src/handler.ts'))
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'add', '-A')
  git(dir, '-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-qm', 'handler at 400 µs')
  write('src/handler.ts', handler(520))
  write('tests/extra.perf.ts', perfTestFile('a new test', 2).replace('./handler.ts', '../src/handler.ts'))
  git(dir, 'add', '-A')
  git(dir, '-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-qm', 'handler 30 % slower, one more test')
  return dir
}

function ab(dir: string, ...args: string[]) {
  const started = Date.now()
  const r = spawnSync(process.execPath, [path.join(root, 'src/cli/main.ts'), 'ab', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' },
    timeout: 170_000,
  })
  return { status: r.status, stdout: r.stdout, output: `${r.stdout}\n${r.stderr}`, seconds: (Date.now() - started) / 1000 }
}

const worktrees = (dir: string) => git(dir, 'worktree', 'list').trim().split('\n').length

describe('vitest-perf ab on a two-commit repository', () => {
  const dir = fixtureRepo()
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('finds the 30 % slower handler a REGRESSION against HEAD~1 and lists the new test', () => {
    const run = ab(dir, '--base', 'HEAD~1')
    console.log(`ab --base HEAD~1: ${run.seconds.toFixed(1)} s\n${run.stdout}`)
    expect(run.status, run.output).toBe(1)
    expect(run.stdout).toMatch(
      /REGRESSION \((major|critical)\) "tests\/handler\.perf\.ts > handler under load" \(paired: base → head\) \(8 vs 8/,
    )
    expect(run.stdout).toMatch(/latency\.p50\s+0\.4\d\dms\s+0\.5\d\dms\s+\+\d\d\.\d%/)
    expect(run.stdout).toMatch(/"tests\/extra\.perf\.ts > a new test": new \(2 repetitions on the head side only\)/)
    const results = JSON.parse(readFileSync(path.join(dir, 'perf-results/ab/results.json'), 'utf8'))
    const compared = results.runs.find((r: { status: string }) => r.status === 'compared')
    expect(compared.pairs.map((p: { first: string }) => p.first)).toEqual(['base', 'head', 'base', 'head', 'base', 'head', 'base', 'head'])
    expect(results.exitCode).toBe(1)
    expect(readFileSync(path.join(dir, 'perf-results/ab/report.md'), 'utf8')).toMatch(/\*\*REGRESSION \((major|critical)\)\*\*/)
    expect(worktrees(dir)).toBe(1)
  })

  it('passes HEAD against itself; a test removed in the work tree is stated, not fatal', () => {
    rmSync(path.join(dir, 'tests/extra.perf.ts'))
    const run = ab(dir, '--base', 'HEAD')
    console.log(`ab --base HEAD (work tree without extra.perf.ts): ${run.seconds.toFixed(1)} s\n${run.stdout}`)
    expect(run.status, run.output).toBe(0)
    expect(run.stdout).toMatch(/head is the work tree/)
    expect(run.stdout).toMatch(/(PASS|INCONCLUSIVE) "tests\/handler\.perf\.ts > handler under load"/)
    expect(run.stdout).toMatch(/"tests\/extra\.perf\.ts > a new test": removed, not compared/)
    expect(worktrees(dir)).toBe(1)
    git(dir, 'checkout', '--', 'tests/extra.perf.ts')
  })

  it('exits 1 with the reason when a test fails on one side', () => {
    const file = path.join(dir, 'tests/extra.perf.ts')
    writeFileSync(file, readFileSync(file, 'utf8').replace('await run(', "throw new Error('the head broke this test')\n  await run("))
    const run = ab(dir, '--base', 'HEAD', '--', 'tests/extra.perf.ts')
    console.log(`ab --base HEAD -- tests/extra.perf.ts (failing on head): ${run.seconds.toFixed(1)} s\n${run.stdout}`)
    expect(run.status, run.output).toBe(1)
    expect(run.stdout).toMatch(/tests\/extra\.perf\.ts > a new test failed on the head side:\n\s+Error: the head broke this test/)
    expect(run.stdout).toMatch(/"tests\/extra\.perf\.ts > a new test": measured on the base side only \(2 repetitions\), not compared/)
    expect(run.stdout).not.toMatch(/handler under load/)
    git(dir, 'checkout', '--', 'tests/extra.perf.ts')
  })

  it('says how to fetch a base revision that does not exist', () => {
    const run = ab(dir, '--base', 'origin/main')
    expect(run.status).toBe(1)
    expect(run.output).toMatch(
      /PERF_AB_REF_MISSING: The base revision "origin\/main" does not exist.*git fetch origin main.*fetch-depth: 0/s,
    )
    expect(worktrees(dir)).toBe(1)
  })
})
