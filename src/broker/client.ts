import http from 'node:http'
import { PerfInfraError, rebuildError } from '../core/errors.ts'
import type { RouteName, RouteRequest, RouteResponse } from './routes.ts'
import type { BrokerAddress, BrokerFailure } from './wire.ts'

/** A worker's side of the broker: one typed call per route of the table. */
export interface BrokerClient {
  call<R extends RouteName>(route: R, request: RouteRequest<R>): Promise<RouteResponse<R>>
}

const isFailure = (body: unknown): body is BrokerFailure =>
  typeof (body as BrokerFailure | null)?.code === 'string' && typeof (body as BrokerFailure).message === 'string'

// Keep-alive connections shared by all calls. node:http rather than global fetch: workers post
// progress every second during a run, and fetch's much larger code warming up (feedback vectors of
// hundreds of functions, allocated after a few calls each) and its resource-timing entries grew the
// live heap by 150-550 KB in the first 20 s of every run, which the leak check then saw.
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })

function post(url: string, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
    const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

/**
 * Calls the broker at `address`. A failed route throws the error its handler threw, rebuilt as
 * the PerfError subclass of its code (a PerfFaultError stays one); the broker being unreachable
 * or answering nonsense is a PERF_INFRA_BROKER.
 */
export function brokerClient(address: BrokerAddress): BrokerClient {
  return {
    async call(route, request) {
      let res: { status: number; text: string }
      try {
        res = await post(`${address.url}/${route}`, address.token, JSON.stringify(request))
      } catch (cause) {
        throw new PerfInfraError(
          'PERF_INFRA_BROKER',
          `cannot reach the vitest-perf broker at ${address.url} (${route}): ${(cause as Error).message}; it lives in the Vitest main process, which may have exited`,
          { cause },
        )
      }
      if (res.status === 204) return undefined as RouteResponse<typeof route>
      const text = res.text
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        throw new PerfInfraError(
          'PERF_INFRA_BROKER',
          `the vitest-perf broker answered ${route} with ${res.status} and no JSON: ${text.slice(0, 200)}`,
        )
      }
      if (res.status >= 200 && res.status < 300) return body as RouteResponse<typeof route>
      throw rebuildError(
        isFailure(body)
          ? body
          : { code: 'PERF_INFRA_BROKER', message: `the vitest-perf broker answered ${route} with ${res.status}: ${text.slice(0, 200)}` },
      )
    },
  }
}
