import { z } from 'zod'
import { duration } from '../config/schemas.ts'
import { show } from '../config/zod-problems.ts'
import { allowEntryProblem } from './hosts.ts'

const wholeAtLeastOne = { error: (issue: { input?: unknown }) => `must be a whole number ≥ 1, got ${show(issue.input)}` }
const count = z.number(wholeAtLeastOne).int(wholeAtLeastOne).min(1, wholeAtLeastOne)

/** A phase timeout: '5s', '500ms' or milliseconds, more than 0. */
export const timeoutSchema = duration.refine((ms) => ms > 0, {
  error: (issue) => `must be > 0: use '5s', '500ms' or a number of milliseconds > 0, got ${show(issue.input)}`,
})

/** The base URL of http.client(url): an http(s) origin, nothing after it. */
export const originSchema = z
  .union([z.string(), z.instanceof(URL)], {
    error: (issue) => `must be a URL string like 'http://127.0.0.1:8080', got ${typeof issue.input}`,
  })
  .transform((raw, ctx) => {
    let url: URL
    try {
      url = new URL(String(raw))
    } catch {
      ctx.addIssue({ code: 'custom', message: `cannot parse ${JSON.stringify(String(raw))} as a URL; use e.g. 'http://127.0.0.1:8080'` })
      return z.NEVER
    }
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message })
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problem(`protocol ${url.protocol} is not supported; use http: or https:`)
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
      problem(`give the origin only (${url.origin}); put "${url.pathname}${url.search}" into each request's path`)
    if (url.username !== '' || url.password !== '')
      problem('credentials in the URL are not sent; pass an authorization header in headers instead')
    return url
  })

/** The options of http.client(url, options). */
export const clientOptionsSchema = z.strictObject(
  {
    connections: count.optional().describe('Connections to the origin; no limit when missing (one per concurrent request, as k6’s VUs).'),
    pipelining: count.default(1).describe('Requests in flight per connection (HTTP/1.1 pipelining).'),
    timeout: timeoutSchema
      .default(10_000)
      .describe('Limit of each phase (connect, response headers, gap between body chunks) unless the phase has its own.'),
    connectTimeout: timeoutSchema.optional().describe('Limit for opening a connection; `timeout` when missing.'),
    headersTimeout: timeoutSchema.optional().describe('Limit for the response headers; `timeout` when missing.'),
    bodyTimeout: timeoutSchema.optional().describe('Limit for the gap between body chunks; `timeout` when missing.'),
    keepAliveTimeout: timeoutSchema.optional().describe('Idle keep-alive connections are closed after this; undici’s 4s when missing.'),
    headers: z
      .record(z.string(), z.string(), { error: (issue) => `must be an object of header values, got ${show(issue.input)}` })
      .default({})
      .describe('Sent with every request; a request’s own headers win. Names are case-insensitive.'),
    allowHosts: z
      .array(z.unknown(), {
        error: (issue) => `must be an array of host names, IPs or CIDR ranges, e.g. ['10.0.0.5'], got ${typeof issue.input}`,
      })
      .superRefine((hosts, ctx) => {
        hosts.forEach((host, i) => {
          const problem = allowEntryProblem(host)
          if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: problem })
        })
      })
      .meta({ typeName: 'string[]' })
      .default([])
      .describe(
        'Non-loopback hosts you own and allow load to: names, `*.suffix`, IPs, CIDR ranges (also `VITEST_PERF_ALLOW_HOSTS`, comma-separated).',
      ),
    throwOnCheck: z.boolean().default(false).describe('Default for every request: throw PerfHttpCheckError when a check fails.'),
    transport: z
      .enum(['undici', 'wire'], { error: (issue) => `must be 'undici' or 'wire', got ${show(issue.input)}` })
      .default('undici')
      .describe("Who speaks HTTP/1.1: undici, or `'wire'`, our own lean client on plain sockets (`http:` only)."),
  },
  { error: (issue) => `must be an object like { connections: 10, timeout: '5s' }, got ${show(issue.input)}` },
)
