import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { brokerClient } from '../../src/broker/client.ts'
import type { RouteHandlers } from '../../src/broker/routes.ts'
import { startBrokerServer, type BrokerServer } from '../../src/broker/server.ts'
import type { ServiceFixture } from '../../src/broker/wire.ts'
import type { ProgressEvent } from '../../src/core/progress-event.ts'
import { PerfError, PerfFaultConfigError, PerfFaultError, PerfInfraError, rebuildError } from '../../src/core/errors.ts'
import { serverFaultHandlers } from '../../src/faults/server-faults.ts'
import type { RunningServer } from '../../src/infra/types.ts'

const fixture: ServiceFixture = {
  service: 'postgres',
  provider: 'local',
  host: '127.0.0.1',
  port: 5432,
  user: 'u',
  password: '',
  database: 'vp_x',
  version: '16',
  tuning: 'fast',
  url: 'postgres://u@127.0.0.1:5432/vp_x',
}

// A real broker on loopback whose handlers each show one way a route can end.
const logged: string[] = []
const progress: ProgressEvent[] = []
const handlers: RouteHandlers = {
  acquire: ({ service }) => ({ fixture: { ...fixture, service }, tried: [{ provider: 'url', reason: 'no URL set' }] }),
  release: () => {},
  snapshot: () => {
    throw new PerfInfraError('PERF_INFRA_RESET_UNSUPPORTED', 'snapshot()/reset() are not available for mongodb')
  },
  reset: async () => {
    throw new TypeError('cannot read properties of undefined')
  },
  pause: () => {
    throw new PerfFaultError('PERF_FAULT_UNSUPPORTED', 'pausing a url postgres server is not supported')
  },
  unpause: () => {
    throw new PerfFaultConfigError('PERF_FAULT_PROXY_INVALID', 'proxy options', [{ path: 'port', message: 'must be a number' }])
  },
  restart: () => Promise.reject('a string, not an Error'),
  progress: (event) => {
    progress.push(event)
  },
  annotation: ({ result, test }) => ({ message: `${test}: ${result.iterations} iterations` }),
}

let broker: BrokerServer
beforeAll(async () => {
  broker = await startBrokerServer(handlers, (line) => logged.push(line))
})
afterAll(() => broker.close())

async function failure(p: Promise<unknown>): Promise<PerfError> {
  const e = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(e).toBeInstanceOf(PerfError)
  return e as PerfError
}

const post = (path: string, body: string, token = broker.address.token) =>
  fetch(`${broker.address.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body })

describe('broker routes', () => {
  it('returns a handler result as the typed response, and nothing for a void route', async () => {
    const client = brokerClient(broker.address)
    const acquired = await client.call('acquire', { service: 'redis' })
    expect(acquired.fixture.service).toBe('redis')
    expect(acquired.tried).toEqual([{ provider: 'url', reason: 'no URL set' }])
    expect(await client.call('release', { fixture })).toBeUndefined()
  })

  it('carries a progress event across unchanged (but Infinity, which JSON has not)', async () => {
    const event: ProgressEvent = {
      runId: 'r1',
      name: 'n',
      executor: 'constant-vus',
      elapsedMs: 1000,
      plannedMs: 5000,
      point: { t: 1, ms: 1000, iterations: 10, errors: 0, dropped: 0, throughput: 10, p50: 1, p95: 2, p99: 3, vus: 1 },
      totals: { iterations: 10, failed: 0, dropped: 0 },
      errorsByKind: {},
      done: false,
    }
    await brokerClient(broker.address).call('progress', event)
    expect(progress.at(-1)).toEqual(event)
  })

  it.each([
    ['snapshot', PerfInfraError, 'PERF_INFRA_RESET_UNSUPPORTED', 'not available for mongodb'],
    ['pause', PerfFaultError, 'PERF_FAULT_UNSUPPORTED', 'pausing a url postgres server'],
    ['unpause', PerfFaultError, 'PERF_FAULT_PROXY_INVALID', 'port: must be a number'],
  ] as const)('rebuilds what the %s handler threw as %o with its code', async (route, kind, code, message) => {
    const e = await failure(brokerClient(broker.address).call(route, { fixture }))
    expect(e).toBeInstanceOf(kind)
    expect(e.name).toBe(kind.name)
    expect(e.code).toBe(code)
    expect(e.message).toContain(message)
  })

  it('answers a PerfError with 422 and { code, message }', async () => {
    const res = await post('/pause', JSON.stringify({ fixture }))
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({ code: 'PERF_FAULT_UNSUPPORTED', message: 'pausing a url postgres server is not supported' })
  })

  it('answers a handler that throws anything else with 500, logs it, and keeps serving', async () => {
    const res = await post('/reset', JSON.stringify({ fixture }))
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ code: 'PERF_INFRA_BROKER', message: 'cannot read properties of undefined' })
    expect(logged.at(-1)).toMatch(/reset route failed: TypeError: cannot read properties of undefined/)
    const e = await failure(brokerClient(broker.address).call('restart', { fixture }))
    expect(e).toBeInstanceOf(PerfInfraError)
    expect(e).toMatchObject({ code: 'PERF_INFRA_BROKER', message: 'a string, not an Error' })
    expect((await brokerClient(broker.address).call('acquire', { service: 'mysql' })).fixture.service).toBe('mysql')
  })

  it('refuses a bad token with 401 before looking at the route', async () => {
    for (const res of [await post('/acquire', '{"service":"postgres"}', 'not-the-token'), await post('/nope', '{}', 'not-the-token')]) {
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ code: 'PERF_INFRA_BROKER', message: 'bad token' })
    }
    const e = await failure(brokerClient({ ...broker.address, token: 'not-the-token' }).call('acquire', { service: 'postgres' }))
    expect(e).toBeInstanceOf(PerfInfraError)
    expect(e).toMatchObject({ code: 'PERF_INFRA_BROKER', message: 'bad token' })
  })

  it('refuses an unknown route with 404, a body that is not JSON with 400, a GET with 405', async () => {
    const unknown = await post('/drop-everything', '{}')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ code: 'PERF_INFRA_BROKER', message: 'unknown route /drop-everything' })
    // Names of Object.prototype are not routes either.
    expect((await post('/toString', '{}')).status).toBe(404)
    const bad = await post('/acquire', '{"service":')
    expect(bad.status).toBe(400)
    expect((await bad.json()).message).toMatch(/bad request body for acquire/)
    const get = await fetch(`${broker.address.url}/acquire`, { headers: { authorization: `Bearer ${broker.address.token}` } })
    expect(get.status).toBe(405)
  })

  it('says so when the broker cannot be reached', async () => {
    const closed = await startBrokerServer(handlers)
    await closed.close()
    const e = await failure(brokerClient(closed.address).call('release', { fixture }))
    expect(e).toMatchObject({ code: 'PERF_INFRA_BROKER', message: expect.stringMatching(/cannot reach the vitest-perf broker/) })
  })
})

describe('server faults through the broker', () => {
  it('refuses to pause or restart a url server with a PerfFaultError the test can catch', async () => {
    const server: RunningServer = { ...fixture, provider: 'url', stop: async () => {} }
    const faults = await startBrokerServer({ ...handlers, ...serverFaultHandlers(() => server) })
    try {
      const client = brokerClient(faults.address)
      for (const route of ['pause', 'restart'] as const) {
        const e = await failure(client.call(route, { fixture }))
        expect(e).toBeInstanceOf(PerfFaultError)
        expect(e).toMatchObject({ code: 'PERF_FAULT_UNSUPPORTED', message: expect.stringMatching(/not supported/) })
      }
    } finally {
      await faults.close()
    }
  })
})

describe('rebuildError', () => {
  it.each([
    ['PERF_INFRA_UNAVAILABLE', PerfInfraError],
    ['PERF_FAULT_TOXIC_UNKNOWN', PerfFaultError],
    ['PERF_BASELINE_CORRUPT', 'PerfBaselineError'],
    ['PERF_THRESHOLD_FAILED', 'PerfThresholdError'],
    ['PERF_SHARD_LOST', PerfError],
  ] as const)('rebuilds %s as its class', (code, kind) => {
    const e = rebuildError({ code, message: 'm' })
    expect(e.name).toBe(typeof kind === 'string' ? kind : kind.name)
    if (typeof kind !== 'string') expect(e).toBeInstanceOf(kind)
    expect(e).toMatchObject({ code, message: 'm' })
  })
})

// The broker may not import the engine, so the wire declares the progress event again.
