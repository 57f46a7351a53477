import diagnostics from 'node:diagnostics_channel'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { guardedLookup, judgeHost, parseAllowList } from '../../src/http/hosts.ts'
import { http, PerfHttpConfigError, PerfHttpHostError } from '../../src/http/index.ts'
import type { ConfigProblem } from '../../src/core/errors.ts'

function allow(entries: string[] = [], env?: string) {
  const problems: ConfigProblem[] = []
  const list = parseAllowList(entries, env, problems)
  expect(problems).toEqual([])
  return list
}

describe('judgeHost: loopback is allowed, everything else only when allowlisted', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['[::1]', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['localhost', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['localhost.', 'localhost'],
  ])('%s → allowed (%s)', (host, via) => {
    expect(judgeHost(host, allow())).toEqual({ allowed: true, via })
  })

  it.each([
    '192.0.2.1',
    '10.0.0.1',
    '0.0.0.0',
    '169.254.169.254',
    '128.0.0.1',
    '[2001:db8::1]',
    '[::ffff:c000:201]',
    '[::]',
    'example.com',
    'localhost.example.com',
    'mylocalhost',
    'metadata.google.internal',
  ])('%s → refused', (host) => {
    expect(judgeHost(host, allow())).toEqual({ allowed: false })
  })

  it.each([
    [['192.0.2.1'], '192.0.2.1', true],
    [['192.0.2.1'], '192.0.2.2', false],
    [['192.0.2.0/24'], '192.0.2.77', true],
    [['192.0.2.0/24'], '192.0.3.1', false],
    [['2001:db8::/32'], '[2001:db8::1]', true],
    [['[2001:db8::1]'], '[2001:db8::1]', true],
    [['staging.internal'], 'staging.internal', true],
    [['Staging.Internal'], 'staging.internal', true],
    [['staging.internal'], 'api.staging.internal', false],
    [['*.staging.internal'], 'api.staging.internal', true],
    [['*.staging.internal'], 'staging.internal', false],
    [['*.staging.internal'], 'evilstaging.internal', false],
  ])('allowHosts %j: %s → %s', (entries, host, allowed) => {
    expect(judgeHost(host, allow(entries)).allowed).toBe(allowed)
  })

  it('reads VITEST_PERF_ALLOW_HOSTS as a comma-separated list', () => {
    const list = allow([], ' 192.0.2.1 , perf.internal,,10.1.0.0/16 ')
    expect(judgeHost('192.0.2.1', list).allowed).toBe(true)
    expect(judgeHost('perf.internal', list).allowed).toBe(true)
    expect(judgeHost('10.1.200.3', list).allowed).toBe(true)
    expect(judgeHost('10.2.0.1', list).allowed).toBe(false)
  })

  it.each([
    ['http://192.0.2.1', 'without scheme or path'],
    ['192.0.2.1:8080', 'leave out the port'],
    ['10.0.0.0/33', 'not a valid CIDR range'],
    ['', 'non-empty'],
    ['bad host!', 'not a host name'],
  ])('rejects the allowHosts entry %j (%s)', (entry, message) => {
    const problems: ConfigProblem[] = []
    parseAllowList([entry], undefined, problems)
    expect(problems).toHaveLength(1)
    expect(problems[0].path).toBe('allowHosts[0]')
    expect(problems[0].message).toContain(message)
  })
})

describe('a non-loopback, non-allowlisted target is refused before anything is sent', () => {
  const events: string[] = []
  const channels = ['net.client.socket', 'undici:client:beforeConnect', 'undici:request:create']
  const listener = (_message: unknown, name: string | symbol) => events.push(String(name))
  let env: string | undefined

  beforeEach(() => {
    events.length = 0
    env = process.env.VITEST_PERF_ALLOW_HOSTS
    delete process.env.VITEST_PERF_ALLOW_HOSTS
    for (const c of channels) diagnostics.subscribe(c, listener)
  })

  afterEach(() => {
    for (const c of channels) diagnostics.unsubscribe(c, listener)
    if (env === undefined) delete process.env.VITEST_PERF_ALLOW_HOSTS
    else process.env.VITEST_PERF_ALLOW_HOSTS = env
  })

  it.each(['http://192.0.2.1:8080', 'https://example.com', 'http://169.254.169.254/', 'http://[2001:db8::1]:80'])(
    '%s throws PERF_HTTP_HOST_NOT_ALLOWED synchronously, with no socket and no request',
    (url) => {
      let error: unknown
      const t0 = performance.now()
      try {
        http.client(url, { connections: 50 })
      } catch (e) {
        error = e
      }
      expect(performance.now() - t0).toBeLessThan(50)
      expect(error).toBeInstanceOf(PerfHttpHostError)
      expect((error as PerfHttpHostError).code).toBe('PERF_HTTP_HOST_NOT_ALLOWED')
      expect((error as Error).message).toMatch(/Nothing was sent/)
      expect((error as Error).message).toMatch(/allowHosts: \['.+'\]/)
      expect((error as Error).message).toContain('VITEST_PERF_ALLOW_HOSTS=')
      expect(events).toEqual([])
    },
  )

  it('an allowlisted host gets a client, still without any connection until a request is made', async () => {
    const api = http.client('http://192.0.2.1:8080', { allowHosts: ['192.0.2.0/24'] })
    expect(api.origin).toBe('http://192.0.2.1:8080')
    await api.close()
    expect(events).toEqual([])
  })

  it('the env variable allowlists too', async () => {
    process.env.VITEST_PERF_ALLOW_HOSTS = 'perf-target.internal'
    const api = http.client('http://perf-target.internal:8080')
    await api.destroy()
    expect(events).toEqual([])
  })

  it('a bad allowHosts entry is a config error, not a silent refusal', () => {
    expect(() => http.client('http://192.0.2.1', { allowHosts: ['http://192.0.2.1'] })).toThrow(PerfHttpConfigError)
  })
})

describe('guardedLookup', () => {
  it('passes localhost through when it resolves to loopback', async () => {
    const addresses = await new Promise<unknown>((resolve, reject) =>
      guardedLookup('localhost', { all: true }, (err, a) => (err ? reject(err) : resolve(a))),
    )
    expect(Array.isArray(addresses) && addresses.length > 0).toBe(true)
  })
})
