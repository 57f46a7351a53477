import { describe, expect, it } from 'vitest'
import { PerfHttpConfigError, type HttpClientOptions } from '../../src/http/index.ts'
import { resolveClientOptions } from '../../src/http/options.ts'

function problems(url: unknown, options?: HttpClientOptions): { path: string; message: string }[] {
  try {
    resolveClientOptions(url, options, undefined)
  } catch (e) {
    expect(e).toBeInstanceOf(PerfHttpConfigError)
    expect((e as PerfHttpConfigError).code).toBe('PERF_HTTP_CONFIG_INVALID')
    expect((e as Error).message).toContain('nothing was sent')
    return (e as PerfHttpConfigError).problems
  }
  throw new Error('expected PerfHttpConfigError')
}

describe('resolveClientOptions', () => {
  it('fills the defaults', () => {
    const o = resolveClientOptions('http://127.0.0.1:8080', {}, undefined)
    expect(o).toMatchObject({
      origin: 'http://127.0.0.1:8080',
      via: 'loopback',
      connections: undefined,
      pipelining: 1,
      timeouts: { connect: 10_000, headers: 10_000, body: 10_000 },
      throwOnCheck: false,
    })
  })

  it.each([
    [{ timeout: '5s' }, { connect: 5000, headers: 5000, body: 5000 }],
    [
      { timeout: 2000, headersTimeout: '250ms' },
      { connect: 2000, headers: 250, body: 2000 },
    ],
    [
      { connectTimeout: '1s', bodyTimeout: '1m' },
      { connect: 1000, headers: 10_000, body: 60_000 },
    ],
  ] as [HttpClientOptions, object][])('timeouts %j → %j', (options, timeouts) => {
    expect(resolveClientOptions('http://127.0.0.1:1', options, undefined).timeouts).toEqual(timeouts)
  })

  it('lower-cases default header names', () => {
    expect(resolveClientOptions('http://localhost:1', { headers: { Authorization: 'Bearer x' } }, undefined).headers).toEqual({
      authorization: 'Bearer x',
    })
  })

  it.each([
    ['not a url', {}, 'url', 'cannot parse'],
    ['ftp://127.0.0.1', {}, 'url', 'protocol ftp: is not supported'],
    ['http://127.0.0.1:8080/api', {}, 'url', 'give the origin only'],
    ['http://127.0.0.1:8080/?q=1', {}, 'url', 'give the origin only'],
    ['http://user:pw@127.0.0.1', {}, 'url', 'authorization header'],
    [42, {}, 'url', 'must be a URL string'],
    ['http://127.0.0.1', { connections: 0 }, 'connections', 'whole number ≥ 1'],
    ['http://127.0.0.1', { connections: 2.5 }, 'connections', 'whole number ≥ 1'],
    ['http://127.0.0.1', { pipelining: -1 }, 'pipelining', 'whole number ≥ 1'],
    ['http://127.0.0.1', { timeout: 'soon' }, 'timeout', 'cannot parse duration'],
    ['http://127.0.0.1', { timeout: 0 }, 'timeout', '> 0'],
    ['http://127.0.0.1', { headers: { a: 1 as unknown as string } }, 'headers.a', 'must be a string'],
    ['http://127.0.0.1', { throwOnCheck: 'yes' as unknown as boolean }, 'throwOnCheck', 'true or false'],
    ['http://127.0.0.1', { allowHosts: 'x' as unknown as string[] }, 'allowHosts', 'must be an array'],
    ['http://127.0.0.1', { conections: 5 } as HttpClientOptions, 'conections', 'unknown option'],
  ])('%j with %j → %s: %s', (url, options, path, message) => {
    const found = problems(url, options as HttpClientOptions)
    expect(found).toHaveLength(1)
    expect(found[0].path).toBe(path)
    expect(found[0].message).toContain(message)
  })

  it('reports every problem at once', () => {
    const found = problems('http://127.0.0.1/x', { connections: 0, timeout: 'x', allowHosts: ['a/b'] })
    expect(found.map((p) => p.path)).toEqual(['url', 'connections', 'timeout', 'allowHosts[0]'])
  })
})
