import { describe, expect, it } from 'vitest'
import { compileChecks } from '../../src/http/checks.ts'
import { buildOptions, compileRequest, type ClientDefaults } from '../../src/http/compile.ts'
import { PerfHttpConfigError, PerfHttpUsageError, type HttpResponse, type RequestSpec } from '../../src/http/index.ts'
import { endpointOf, fillTemplate, parseTemplate, type TemplateVars } from '../../src/http/template.ts'

const defaults: ClientDefaults = { headers: {}, throwOnCheck: false, tagsFor: (endpoint, extra) => ({ ...extra, endpoint }) }

describe('templates', () => {
  it.each([
    ['/orders', {}, true, '/orders'],
    ['/orders/{id}', { id: 42 }, true, '/orders/42'],
    ['/orders/{id}/items/{item}', { id: 1, item: 'x' }, true, '/orders/1/items/x'],
    ['/search?q={q}', { q: 'a b&c=d' }, true, '/search?q=a%20b%26c%3Dd'],
    ['/files/{name}', { name: '../etc/passwd' }, true, '/files/..%2Fetc%2Fpasswd'],
    ['{"id":{id},"ok":true}', { id: 7 }, false, '{"id":7,"ok":true}'],
    ['{a}{b}', { a: 'x y', b: true }, false, 'x ytrue'],
    ['{ not a placeholder } {1x} {}', {}, false, '{ not a placeholder } {1x} {}'],
  ] as [string, TemplateVars, boolean, string][])('%s with %j → %s', (source, vars, encode, expected) => {
    expect(fillTemplate(parseTemplate(source), vars, undefined, encode, 'path')).toBe(expected)
  })

  it('uses the template vars when the call gives none, the call’s first', () => {
    const t = parseTemplate('/{a}/{b}')
    expect(fillTemplate(t, { a: 'call' }, { a: 'tpl', b: 'tpl' }, true, 'path')).toBe('/call/tpl')
  })

  it('says which value is missing and how to give it', () => {
    const t = parseTemplate('/orders/{id}')
    expect(() => fillTemplate(t, {}, undefined, true, 'path')).toThrow(PerfHttpUsageError)
    expect(() => fillTemplate(t, {}, undefined, true, 'path')).toThrow(/needs a value for \{id\}.*send\(ctx, \{ id: … \}\)/)
  })

  it.each([
    ['/orders', '/orders'],
    ['/orders?page=2', '/orders'],
    ['/orders/{id}?x={x}', '/orders/:id'],
    ['/a/{b}/c/{d_1}', '/a/:b/c/:d_1'],
  ])('endpointOf(%s) = %s', (path, endpoint) => {
    expect(endpointOf(path)).toBe(endpoint)
  })
})

describe('compileRequest', () => {
  it('pre-builds a request that never varies, body as bytes', () => {
    const c = compileRequest(
      { method: 'post', path: '/orders', json: { a: 1 }, headers: { 'X-Trace': 'on' } },
      { ...defaults, headers: { authorization: 'Bearer t' } },
      'req',
    )
    expect(c.fixed).toEqual({
      method: 'POST',
      path: '/orders',
      headers: ['authorization', 'Bearer t', 'x-trace', 'on', 'content-type', 'application/json'],
      body: new TextEncoder().encode('{"a":1}'),
    })
    expect(c.fixedSize).toBe(7)
    expect(c.endpoint).toBe('/orders')
    expect(c.tags).toEqual({ endpoint: '/orders' })
  })

  it('fills path, headers and body per request', () => {
    const c = compileRequest(
      {
        method: 'PUT',
        path: '/orders/{id}',
        headers: { 'x-user': 'u{user}' },
        body: 'qty={qty}',
        vars: (ctx) => ({ user: ctx?.vu ?? 0, qty: 1 }),
      },
      defaults,
      'req',
    )
    expect(c.fixed).toBeUndefined()
    expect(c.endpoint).toBe('/orders/:id')
    expect(buildOptions(c, undefined, { id: 9, qty: 3 })).toEqual({
      opts: { method: 'PUT', path: '/orders/9', headers: ['x-user', 'u0'], body: 'qty=3' },
      size: 5,
    })
  })

  it('calls path, headers and json functions per request', () => {
    const c = compileRequest(
      {
        path: (_ctx, vars) => `/p/${vars?.n}`,
        tag: '/p/:n',
        json: (_ctx, vars) => ({ n: vars?.n }),
        headers: () => ({ a: 'b' }),
        timeout: '2s',
      },
      defaults,
      'req',
    )
    expect(buildOptions(c, undefined, { n: 5 })).toEqual({
      opts: { method: 'GET', path: '/p/5', headers: ['a', 'b'], body: '{"n":5}', headersTimeout: 2000, bodyTimeout: 2000 },
      size: 7,
    })
  })

  it.each([
    [{ path: 'orders' }, 'path', 'must start with "/"'],
    [{ path: '/x', method: 'GE T' }, 'method', 'HTTP method'],
    [{ path: () => '/x' }, 'tag', 'required when path is a function'],
    [{ path: '/x', body: 'a', json: {} }, 'json', 'either body or json'],
    [{ path: '/x', body: 5 }, 'body', 'must be a string'],
    [{ path: '/x', timeout: 'later' }, 'timeout', 'cannot parse duration'],
    [{ path: '/x', tag: '' }, 'tag', 'non-empty'],
    [{ path: '/x', tag: 'a,b' }, 'tag', 'contains "," or "}"'],
    [{ path: '/a,b' }, 'tag', "pass tag: '/a-name'"],
    [{ path: '/x', tags: { a: 1 } }, 'tags.a', 'must be a string'],
    [{ path: '/x', tags: { endpoint: 'y' } }, 'tags.endpoint', 'set by tag'],
    [{ path: '/x', tags: { 'a b': 'y' } }, 'tags.a b', 'tag names'],
    [{ path: '/x', tags: { a: 'x}' } }, 'tags.a', 'contains'],
    [{ path: '/x', headers: { a: 1 } }, 'headers.a', 'must be a string'],
    [{ path: '/x', check: { status: 999 } }, 'check.status', 'status code'],
    [{ path: '/x', check: { stauts: 200 } }, 'check.stauts', 'unknown check'],
    [{ path: '/x', check: { body: 5 } }, 'check.body', 'RegExp'],
    [{ path: '/x', check: { named: { ok: true } } }, 'check.named.ok', 'must be a function'],
    [{ path: '/x', check: { named: { status: () => true } } }, 'check.named.status', 'built-in check'],
  ])('%j → %s: %s', (spec, path, message) => {
    let error: unknown
    try {
      compileRequest(spec as unknown as RequestSpec, defaults, 'HTTP request')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PerfHttpConfigError)
    expect((error as PerfHttpConfigError).problems).toEqual([{ path, message: expect.stringContaining(message) }])
  })
})

describe('checks', () => {
  const res = (status: number, body: string) => ({ status, text: () => body }) as unknown as HttpResponse
  it.each([
    [{ status: 200 }, res(200, ''), [true]],
    [{ status: 200 }, res(201, ''), [false]],
    [{ status: [200, 201] }, res(201, ''), [true]],
    [{ status: (s: number) => s < 400 }, res(302, ''), [true]],
    [{ body: 'id' }, res(200, '{"id":1}'), [true]],
    [{ body: /"id":\d+/g }, res(200, '{"id":1}'), [true]],
    [{ body: (b: string) => b.length > 100 }, res(200, 'short'), [false]],
    [{ status: 200, body: 'x', named: { 'is json': (r: HttpResponse) => r.text().startsWith('{') } }, res(200, '{x'), [true, true, true]],
  ])('%j', (spec, response, expected) => {
    const compiled = compileChecks(spec)
    // Twice: a /g regex must not flip on its second use.
    for (let i = 0; i < 2; i++) expect(compiled.list.map((c) => c.test(response))).toEqual(expected)
  })

  it('keeps the body only when a check reads it', () => {
    expect(compileChecks({ status: 200 }).needsBody).toBe(false)
    expect(compileChecks({ body: 'x' }).needsBody).toBe(true)
    expect(compileChecks({ named: { a: () => true } }).needsBody).toBe(true)
  })

  it('tags each check as checks{check:<name>}', () => {
    expect(compileChecks({ status: 200, named: { 'has id': () => true } }).list.map((c) => c.tags)).toEqual([
      { check: 'status' },
      { check: 'has id' },
    ])
  })
})
