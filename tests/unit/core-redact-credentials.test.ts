import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestModule } from 'vitest/node'
import { PerfError, PerfInfraError, rebuildError } from '../../src/core/errors.ts'
import { redact, redactDeep } from '../../src/core/redact.ts'
import { META_KEY, type RunResult } from '../../src/core/result.ts'
import { connectionError, parseServerUrl } from '../../src/infra/util.ts'
import { resolvePerfOptions } from '../../src/plugin/options.ts'
import { PerfReporter } from '../../src/plugin/reporter.ts'
import { runLoad } from '../../src/run/run-load.ts'
import { fakeResult } from '../helpers/run-result.ts'

const SECRET = 'Zq9-x_7Kp2'

describe('redact() hides the password of every URL in a text', () => {
  it.each([
    ['postgres://postgres:Zq9-x_7Kp2@127.0.0.1:5432/vp_1', 'postgres://postgres:***@127.0.0.1:5432/vp_1'],
    ['mysql://root:Zq9-x_7Kp2@127.0.0.1:3306/vp_1', 'mysql://root:***@127.0.0.1:3306/vp_1'],
    ['redis://:Zq9-x_7Kp2@127.0.0.1:6379/1', 'redis://:***@127.0.0.1:6379/1'],
    ['rediss://default:Zq9-x_7Kp2@cache.internal:6380', 'rediss://default:***@cache.internal:6380'],
    [
      'mongodb+srv://app:Zq9-x_7Kp2@cluster0.example.net/shop?retryWrites=true',
      'mongodb+srv://app:***@cluster0.example.net/shop?retryWrites=true',
    ],
    // The password runs to the last @ before the host, as URL parsers read it.
    ['postgres://app:p@ss@w0rd@db:5432/shop', 'postgres://app:***@db:5432/shop'],
    ['postgres://app:p%40ss@db/shop', 'postgres://app:***@db/shop'],
    // Inside a sentence, quoted, twice in one line, next to each other.
    [
      'postgres at postgres://a:one@h1:5432/x cannot be used; try "mysql://b:two@h2/y".',
      'postgres at postgres://a:***@h1:5432/x cannot be used; try "mysql://b:***@h2/y".',
    ],
    ['postgres://a:one@h1,redis://:two@h2', 'postgres://a:***@h1,redis://:***@h2'],
    ['line one\nredis://:Zq9-x_7Kp2@127.0.0.1:1/0\nline three', 'line one\nredis://:***@127.0.0.1:1/0\nline three'],
  ])('%s', (text, expected) => {
    expect(redact(text)).toBe(expected)
    expect(redact(expected), 'redacting twice changes nothing').toBe(expected)
  })

  it.each([
    'postgres://postgres@127.0.0.1:5432/postgres',
    'redis://127.0.0.1:6379/0',
    'http://127.0.0.1:8080/a@b',
    'see https://example.com:443/path?user=a:b@c',
    'user:password@host without a scheme',
    'redis://:@127.0.0.1:6379',
    'no URL at all',
    // Help texts show where the password goes.
    'write it as postgres://user:password@127.0.0.1:5432/database',
    'write it as mongodb://[user:password@]127.0.0.1:27017/database',
    'redis://[:password@]127.0.0.1:6379[/db]',
  ])('leaves %s as it is (no password in a URL)', (text) => {
    expect(redact(text)).toBe(text)
  })
})

describe('redactDeep() redacts every string of plain data', () => {
  it('in nested objects and arrays, keys included, without touching the input', () => {
    const input = {
      name: `orders on postgres://app:${SECRET}@db/shop`,
      n: 3,
      ok: true,
      none: null,
      list: ['plain', { url: `redis://:${SECRET}@127.0.0.1:6379/1` }],
      byKind: { [`Error at mysql://root:${SECRET}@h/x`]: { count: 1, message: 'plain' } },
    }
    const copy = structuredClone(input)
    const out = redactDeep(input)
    expect(JSON.stringify(out)).not.toContain(SECRET)
    expect(out.list[1]).toEqual({ url: 'redis://:***@127.0.0.1:6379/1' })
    expect(Object.keys(out.byKind)).toEqual(['Error at mysql://root:***@h/x'])
    expect(out.n).toBe(3)
    expect(input).toEqual(copy)
  })

  it('returns the same object when there is nothing to hide', () => {
    const result = fakeResult()
    expect(redactDeep(result)).toBe(result)
  })
})

describe('error messages never carry a password', () => {
  it('PerfError and its subclasses redact their message, also when rebuilt from the broker', () => {
    const e = new PerfInfraError('PERF_INFRA_START_FAILED', `cannot use postgres://postgres:${SECRET}@127.0.0.1:1/x`)
    expect(e.message).toBe('cannot use postgres://postgres:***@127.0.0.1:1/x')
    expect(rebuildError({ code: 'PERF_INFRA_BROKER', message: `redis://:${SECRET}@h:1` }).message).toBe('redis://:***@h:1')
    expect(new PerfError('PERF_X', `mysql://root:${SECRET}@h/x`).message).not.toContain(SECRET)
  })

  it('URL problems of the infrastructure', () => {
    const form = { protocols: ['redis:'], port: 6379, user: '', database: '0', example: 'redis://…' }
    expect(() => parseServerUrl('redis', `http://:${SECRET}@127.0.0.1:6379`, form)).toThrow(/http:\/\/:\*\*\*@127\.0\.0\.1:6379/)
    const failed = connectionError(
      'mysql',
      `mysql://root:${SECRET}@127.0.0.1:1/x`,
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    )
    expect(failed.message).toContain('mysql://root:***@127.0.0.1:1/x')
    expect(failed.message).not.toContain(SECRET)
  })
})

describe('results and reports never carry a password', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
    vi.restoreAllMocks()
  })

  it('runLoad(): error messages and the run name', async () => {
    const url = `postgres://app:${SECRET}@127.0.0.1:5432/shop`
    const result = await runLoad(
      { executor: 'shared-iterations', vus: 1, iterations: 3 },
      async () => {
        throw new Error(`connect to ${url} failed`)
      },
      { name: `orders against ${url}`, attach: false, monitor: false, probe: false },
    )
    expect(result.failed).toBe(3)
    expect(JSON.stringify(result)).not.toContain(SECRET)
    expect(Object.values(result.errors.byKind)[0].message).toBe('connect to postgres://app:***@127.0.0.1:5432/shop failed')
    expect(result.name).toBe('orders against postgres://app:***@127.0.0.1:5432/shop')
  })

  it('the reporter: results.json, report.md/html, summary.csv and the console summary', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vp-redact-'))
    dirs.push(dir)
    // A result that was not redacted where it was made (an older version, a hand-made one).
    const leaky = fakeResult({
      name: `cache at redis://:${SECRET}@127.0.0.1:6379/1`,
      errors: { count: 1, rate: 0.01, byKind: { Error: { count: 1, message: `ECONNREFUSED mysql://root:${SECRET}@127.0.0.1:3306/x` } } },
      config: {
        executor: 'constant-vus',
        distributed: { redis: `redis://driver:${SECRET}@10.0.0.5:6379` },
      } as unknown as RunResult['config'],
    })
    const module = { project: { name: 'tier2' }, moduleId: path.join(dir, 'a.perf.test.ts'), children: { allTests: () => [test] } }
    const test = {
      fullName: `loads postgres://app:${SECRET}@db/shop`,
      module,
      meta: () => ({ [META_KEY]: [leaky] }),
      result: () => ({ state: 'passed' }),
    }
    const printed: string[] = []
    vi.spyOn(console, 'log').mockImplementation((text: string) => void printed.push(text))
    const reporter = new PerfReporter(resolvePerfOptions({ results: dir, reports: ['json', 'md', 'html', 'csv'], githubSummary: false }))
    await reporter.onTestRunEnd([module as unknown as TestModule])
    const files = readdirSync(dir).filter((f) => /\.(json|md|html|csv)$/.test(f))
    expect(files.sort()).toEqual(['report.html', 'report.md', 'results.json', 'summary.csv'])
    for (const f of files) expect(readFileSync(path.join(dir, f), 'utf8'), f).not.toContain(SECRET)
    const json = readFileSync(path.join(dir, 'results.json'), 'utf8')
    expect(json).toContain('redis://driver:***@10.0.0.5:6379')
    expect(json).toContain('loads postgres://app:***@db/shop')
    expect(printed.join('\n')).toContain('cache at redis://:***@127.0.0.1:6379/1')
    expect(printed.join('\n')).not.toContain(SECRET)
  })
})
