import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { http } from '../../src/http/index.ts'

// The wire transport's HTTP/1.1 reading, against a raw TCP server that answers with exactly the
// bytes a test gives, cut where the test says. http-failures and http-metrics run every client
// feature on both transports; this file covers what only a hand-written parser can get wrong.

type Answer = (path: string, method: string) => { parts: (string | Buffer)[]; close?: boolean }

let server: Server
let url: string
let answer: Answer = () => ({ parts: ['HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'] })
let accepted = 0

beforeAll(async () => {
  server = createServer((socket: Socket) => {
    accepted++
    socket.setNoDelay(true)
    let buffered = ''
    let queue = Promise.resolve()
    socket.on('data', (data) => {
      buffered += data.toString('latin1')
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end)
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
        if (buffered.length < end + 4 + length) break
        buffered = buffered.slice(end + 4 + length)
        const [method, path] = head.split(' ')
        const { parts, close } = answer(path, method)
        // Answers go out in request order, each part in its own write a turn of the event loop apart.
        queue = queue.then(async () => {
          for (const part of parts) {
            if (socket.destroyed) return
            socket.write(part)
            await new Promise((r) => setImmediate(r))
          }
          if (close) socket.end()
        })
      }
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

describe("transport: 'wire' reads HTTP/1.1 responses", () => {
  it('a chunked body with extensions and trailers, then the next response on the same connection', async () => {
    const before = accepted
    answer = (path) =>
      path === '/chunked'
        ? {
            parts: [
              'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n',
              '5;ext=1\r\nhello\r\n',
              '6\r\n world\r\n0\r\nx-sum: 1\r\n\r\n',
            ],
          }
        : { parts: ['HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nnext'] }
    await using api = http.client(url, { transport: 'wire', connections: 1 })
    const res = await api.get('/chunked', undefined, { readBody: true })
    expect([res.status, res.text(), res.size, res.headers['transfer-encoding']]).toEqual([200, 'hello world', 11, 'chunked'])
    expect((await api.get('/after', undefined, { readBody: true })).text()).toBe('next')
    expect(accepted - before).toBe(1)
  })

  it('no body for HEAD, 204 and 304, whatever content-length says', async () => {
    answer = (path, method) => {
      if (method === 'HEAD') return { parts: ['HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n'] }
      return { parts: [`HTTP/1.1 ${path.slice(1)} X\r\ncontent-length: 0\r\n\r\n`] }
    }
    await using api = http.client(url, { transport: 'wire', connections: 1 })
    const head = await api.head('/', undefined, { readBody: true })
    expect([head.status, head.size, head.headers['content-length']]).toEqual([200, 0, '1000'])
    expect((await api.get('/204')).status).toBe(204)
    expect((await api.get('/304')).status).toBe(304)
  })

  it('an HTTP/1.0 body without length ends with the connection; the next request reconnects', async () => {
    const before = accepted
    answer = () => ({ parts: ['HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\n', 'to the ', 'end'], close: true })
    await using api = http.client(url, { transport: 'wire', connections: 1 })
    expect((await api.get('/', undefined, { readBody: true })).text()).toBe('to the end')
    expect((await api.get('/', undefined, { readBody: true })).text()).toBe('to the end')
    expect(accepted - before).toBe(2)
  })

  it('skips an interim 100 Continue, keeps repeated headers as a list, and honours connection: close', async () => {
    const before = accepted
    answer = () => ({
      parts: [
        'HTTP/1.1 100 Continue\r\n\r\n',
        'HTTP/1.1 201 Created\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\nconnection: close\r\ncontent-length: 3\r\n\r\nyes',
      ],
    })
    await using api = http.client(url, { transport: 'wire', connections: 1 })
    const res = await api.post('/', undefined, { body: 'x', readBody: true })
    expect([res.status, res.text(), res.headers['set-cookie']]).toEqual([201, 'yes', ['a=1', 'b=2']])
    expect((await api.post('/', undefined, { body: 'x' })).status).toBe(201)
    expect(accepted - before).toBe(2)
  })

  it('pipelined responses written in one piece go to their requests in order', async () => {
    answer = (path) => ({ parts: [`HTTP/1.1 200 OK\r\ncontent-length: ${path.length}\r\n\r\n${path}`] })
    await using api = http.client(url, { transport: 'wire', connections: 1, pipelining: 16 })
    const paths = Array.from({ length: 64 }, (_, i) => `/p${i}`)
    const texts = await Promise.all(paths.map((p) => api.get(p, undefined, { readBody: true, tag: '/p' }).then((r) => r.text())))
    expect(texts).toEqual(paths)
  })

  it('a response that is not HTTP fails the request with its kind, and the client goes on', async () => {
    let first = true
    answer = () => {
      const bad = first
      first = false
      return bad ? { parts: ['SSH-2.0-OpenSSH\r\n\r\n'] } : { parts: ['HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'] }
    }
    await using api = http.client(url, { transport: 'wire', connections: 1 })
    await expect(api.get('/')).rejects.toMatchObject({ code: 'PERF_HTTP_REQUEST_FAILED', kind: 'HPE_INVALID_CONSTANT' })
    expect((await api.get('/')).status).toBe(200)
  })

  it('the same status, headers and body wherever the bytes are cut (fast-check)', async () => {
    const response = Buffer.from(
      'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\nx-a: 1\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n' +
        'HTTP/1.1 404 Not Found\r\ncontent-length: 5\r\nx-b: 2\r\n\r\nnope!',
    )
    await using api = http.client(url, { transport: 'wire', connections: 1, pipelining: 2 })
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: response.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), response.length]
        const parts = at.slice(1).map((end, i) => response.subarray(at[i], end))
        // Both responses answer the first request's arrival; the second request gets nothing of its own.
        let turn = 0
        answer = () => (turn++ === 0 ? { parts } : { parts: [] })
        const [a, b] = await Promise.all([api.get('/a', undefined, { readBody: true }), api.get('/b', undefined, { readBody: true })])
        expect([a.status, a.text(), a.headers['x-a']]).toEqual([200, 'abcdefg', '1'])
        expect([b.status, b.text(), b.headers['x-b']]).toEqual([404, 'nope!', '2'])
      }),
      { numRuns: 60 },
    )
  })

  it('refuses an https origin before anything is sent, naming the option and the fix', () => {
    expect(() => http.client('https://127.0.0.1:8443', { transport: 'wire' })).toThrow(
      /options\.transport: 'wire' speaks plain HTTP only, and https:\/\/127\.0\.0\.1:8443 is https: use transport: 'undici'/,
    )
  })
})
