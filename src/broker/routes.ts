import type { ProgressEvent } from '../core/progress-event.ts'
import type { RunResult } from '../core/result.ts'
import type { ProviderFailure, ServiceFixture, ServiceName } from './wire.ts'

/** A route's request and response types; the value itself is empty, only its name is used at run time. */
interface Route<Request, Response> {
  readonly request?: Request
  readonly response?: Response
}
const route = <Request, Response = void>(): Route<Request, Response> => ({})

type OnFixture = { fixture: ServiceFixture }

/**
 * Every request a worker can make of the Vitest main process: route name → request and response.
 * The server dispatches by it (POST /<name>) and the client is typed by it; `void` responses
 * come back as 204 without a body.
 */
export const brokerRoutes = {
  /** The test file's own database on the service's shared server, started on first use. */
  acquire: route<{ service: ServiceName }, { fixture: ServiceFixture; tried: ProviderFailure[] }>(),
  release: route<OnFixture>(),
  snapshot: route<OnFixture>(),
  reset: route<OnFixture>(),
  /** Server faults: they act on the server behind the fixture, which every file sharing it sees. */
  pause: route<OnFixture>(),
  unpause: route<OnFixture>(),
  restart: route<OnFixture>(),
  /** Each closed second of a run, for the live progress lines and the Prometheus exporter. */
  progress: route<ProgressEvent>(),
  /** A finished run's annotation for its Vitest test: the summary line and an SVG of its charts, drawn by the reporters. */
  annotation: route<{ result: RunResult; test: string }, { message: string; svg?: string }>(),
}

export type RouteName = keyof typeof brokerRoutes
export type RouteRequest<R extends RouteName> = NonNullable<(typeof brokerRoutes)[R]['request']>
export type RouteResponse<R extends RouteName> = Exclude<(typeof brokerRoutes)[R]['response'], undefined>

/** What serves one route, in the main process. */
export type RouteHandler<R extends RouteName> = (request: RouteRequest<R>) => RouteResponse<R> | Promise<RouteResponse<R>>
export type RouteHandlers<R extends RouteName = RouteName> = { [K in R]: RouteHandler<K> }

export function isRouteName(name: string): name is RouteName {
  return Object.hasOwn(brokerRoutes, name)
}
