import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { serveApi } from '../../src/distributed/api.ts'
import type { ShardedRunState } from '../../src/engine/shards/coordinate.ts'

/** A raw request, so the Host header can be anything (fetch will not set it). */
function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

function fakeRun(stops: string[]): ShardedRunState {
  return {
    runId: 'r1',
    name: 'api',
    kind: 'driver',
    startedAt: Date.now(),
    shards: [],
    finished: false,
    runtime: { stop: (_reason: string, detail: string) => stops.push(detail) } as unknown as ShardedRunState['runtime'],
  }
}

describe('the coordinator API', () => {
  it('wants the bearer token, its own Host, and JSON for POST', async () => {
    const api = await serveApi({ host: '127.0.0.1', port: 0 })
    const stops: string[] = []
    api.track(fakeRun(stops))
    const auth = { authorization: `Bearer ${api.token}` }
    try {
      expect(api.token.length).toBeGreaterThanOrEqual(32)
      expect((await call(`${api.url}/runs`, {})).status).toBe(401)
      expect((await call(`${api.url}/runs`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
      expect((await call(`${api.url}/runs`, { headers: auth })).status).toBe(200)
      // DNS rebinding: a page of evil.example resolving to 127.0.0.1 sends its own Host.
      expect((await call(`${api.url}/runs`, { headers: { ...auth, host: 'evil.example' } })).status).toBe(421)
      // The finding: a text/plain POST (a "simple" cross-origin request) stopped the run.
      const simple = await call(`${api.url}/runs/r1/stop`, {
        method: 'POST',
        headers: { origin: 'http://evil.example', 'content-type': 'text/plain' },
      })
      expect(simple.status).toBe(401)
      const plain = await call(`${api.url}/runs/r1/stop`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/plain' },
        body: '{}',
      })
      expect(plain.status).toBe(415)
      expect(stops).toEqual([])
      const json = await call(`${api.url}/runs/r1/stop`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{}',
      })
      expect(json.status).toBe(202)
      expect(stops).toEqual(['stopped through the coordinator API'])
    } finally {
      await api.release()
    }
  })

  it('uses the token it is given', async () => {
    const api = await serveApi({ host: '127.0.0.1', port: 0, token: 'given-token-0123456789' })
    try {
      expect(api.token).toBe('given-token-0123456789')
      const host = new URL(api.url).host.replace('127.0.0.1', 'localhost')
      expect((await call(`${api.url}/runs`, { headers: { authorization: 'Bearer given-token-0123456789', host } })).status).toBe(200)
    } finally {
      await api.release()
    }
  })
})
