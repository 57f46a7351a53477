import { parseOptions } from '../config/zod-problems.ts'
import type { IterationContext } from '../engine/context.ts'
import type { Tags } from '../metrics/registry.ts'
import { compileChecks, type CompiledChecks } from './checks.ts'
import { PerfHttpConfigError } from './errors.ts'
import type { ResponseSeries } from './metrics.ts'
import { requestSpecSchema, requestUnknownKey } from './request-schema.ts'
import { endpointOf, fillTemplate, parseTemplate, type TemplateVars, type TextTemplate } from './template.ts'
import type { RequestSpec } from './types.ts'

type Fn<T> = (ctx: IterationContext | undefined, vars: TemplateVars | undefined) => T

/** What undici's dispatch() takes; one frozen object is reused when nothing varies. */
export interface DispatchOptions {
  method: string
  path: string
  headers?: string[]
  body?: string | Uint8Array
  headersTimeout?: number
  bodyTimeout?: number
}

/** A request spec checked and pre-computed once; send() only fills what varies. */
export interface CompiledRequest {
  readonly method: string
  /** The path as given (template source), '' for a function. */
  readonly source: string
  readonly endpoint: string
  readonly tags: Tags
  readonly checks: CompiledChecks
  readonly keepBody: boolean
  readonly throwOnCheck: boolean
  /** Set when nothing varies per request: dispatched as is. */
  readonly fixed: DispatchOptions | undefined
  readonly fixedSize: number
  readonly path: TextTemplate | Fn<string>
  readonly headers: { name: string; value: TextTemplate }[] | Fn<Record<string, string>>
  readonly body: TextTemplate | Uint8Array | Fn<string | Uint8Array> | undefined
  readonly json: Fn<unknown> | undefined
  readonly vars: ((ctx: IterationContext | undefined) => TemplateVars) | undefined
  readonly timeout: number | undefined
  /** The metric series of the last run this request was sent in (http/metrics.ts). */
  series: ResponseSeries | undefined
}

export interface ClientDefaults {
  headers: Record<string, string>
  throwOnCheck: boolean
  tagsFor: (endpoint: string, extra: Tags | undefined) => Tags
}

const encoder = new TextEncoder()

export function compileRequest(spec: RequestSpec, defaults: ClientDefaults, subject: string): CompiledRequest {
  const checked = parseOptions(requestSpecSchema, spec, { unknownKey: requestUnknownKey })
  if (!checked.ok) throw new PerfHttpConfigError(checked.problems, subject)
  const method = (spec.method ?? 'GET').toUpperCase()
  const path: CompiledRequest['path'] = typeof spec.path === 'function' ? spec.path : parseTemplate(spec.path)
  const headers = compileHeaders(spec.headers, defaults.headers)
  let body: CompiledRequest['body']
  let json: CompiledRequest['json']
  if (spec.json !== undefined) {
    if (typeof spec.json === 'function') json = spec.json as Fn<unknown>
    else body = encoder.encode(JSON.stringify(spec.json))
  } else if (typeof spec.body === 'string') body = parseTemplate(spec.body)
  else body = spec.body
  if (spec.json !== undefined && Array.isArray(headers) && !headers.some((h) => h.name === 'content-type'))
    headers.push({ name: 'content-type', value: parseTemplate('application/json') })

  const checks = compileChecks(spec.check)
  const timeout = checked.data.timeout
  const endpoint = typeof spec.tag === 'string' ? spec.tag : typeof path === 'function' ? '' : endpointOf(path.source)
  const compiled: CompiledRequest = {
    method,
    source: typeof spec.path === 'string' ? spec.path : '',
    endpoint,
    tags: defaults.tagsFor(endpoint, spec.tags),
    checks,
    keepBody: spec.readBody === true || checks.needsBody,
    throwOnCheck: spec.throwOnCheck ?? defaults.throwOnCheck,
    fixed: undefined,
    fixedSize: 0,
    path,
    headers,
    body,
    json,
    vars: spec.vars,
    timeout,
    series: undefined,
  }
  const varies =
    typeof path === 'function' ||
    path.names.length > 0 ||
    typeof headers === 'function' ||
    headers.some((h) => h.value.names.length > 0) ||
    json !== undefined ||
    typeof body === 'function' ||
    (body !== undefined && !(body instanceof Uint8Array) && body.names.length > 0)
  if (varies) return compiled
  const { opts, size } = buildOptions(compiled, undefined, undefined)
  if (typeof opts.body === 'string') opts.body = encoder.encode(opts.body)
  return { ...compiled, fixed: Object.freeze(opts), fixedSize: size }
}

function compileHeaders(input: RequestSpec['headers'], defaults: Record<string, string>): CompiledRequest['headers'] {
  if (typeof input === 'function') {
    // Client defaults are merged per request, under the function's values.
    if (Object.keys(defaults).length === 0) return input
    return (ctx, vars) => ({ ...defaults, ...input(ctx, vars) })
  }
  const merged = new Map<string, string>()
  for (const [name, value] of [...Object.entries(defaults), ...Object.entries(input ?? {})]) merged.set(name.toLowerCase(), value)
  return [...merged].map(([name, value]) => ({ name, value: parseTemplate(value) }))
}

/** The dispatch options for one request, and its body size in bytes. */
export function buildOptions(
  c: CompiledRequest,
  ctx: IterationContext | undefined,
  callVars: TemplateVars | undefined,
): { opts: DispatchOptions; size: number } {
  const fallback = c.vars === undefined ? undefined : c.vars(ctx)
  const path = typeof c.path === 'function' ? checkPath(c.path(ctx, callVars)) : fillTemplate(c.path, callVars, fallback, true, 'path')
  const opts: DispatchOptions = { method: c.method, path }
  if (typeof c.headers === 'function') {
    const h = c.headers(ctx, callVars)
    const flat: string[] = []
    for (const name in h) flat.push(name, h[name])
    opts.headers = flat
  } else if (c.headers.length > 0) {
    const flat: string[] = []
    for (const h of c.headers) flat.push(h.name, fillTemplate(h.value, callVars, fallback, false, `header ${h.name}`))
    opts.headers = flat
  }
  let size = 0
  let body: string | Uint8Array | undefined
  if (c.json !== undefined) body = JSON.stringify(c.json(ctx, callVars))
  else if (typeof c.body === 'function') body = c.body(ctx, callVars)
  else if (c.body instanceof Uint8Array) body = c.body
  else if (c.body !== undefined) body = fillTemplate(c.body, callVars, fallback, false, 'body')
  if (body !== undefined) {
    opts.body = body
    size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
  }
  if (c.timeout !== undefined) {
    opts.headersTimeout = c.timeout
    opts.bodyTimeout = c.timeout
  }
  return { opts, size }
}

function checkPath(path: unknown): string {
  if (typeof path === 'string' && path.startsWith('/')) return path
  throw new PerfHttpConfigError(
    [{ path: 'path', message: `the path function must return a string starting with "/", returned ${JSON.stringify(path)}` }],
    'HTTP request',
  )
}
