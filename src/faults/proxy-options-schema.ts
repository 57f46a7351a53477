import { z } from 'zod'
import { show } from '../config/zod-problems.ts'

type Says = { error: (issue: { input?: unknown }) => string }
const says = (text: (value: unknown) => string): Says => ({ error: (issue) => text(issue.input) })

function port(min: number, range: string): z.ZodNumber {
  const e = says((v) => `must be a whole number from ${range}, got ${show(v)}`)
  return z.number(e).int(e).min(min, e).max(65_535, e)
}

// Not strict: a database fixture (service, user, …) is an upstream as it is.
const upstream = z.object(
  {
    host: z
      .string(says((v) => `must be a host name or address, got ${show(v)}`))
      .min(
        1,
        says((v) => `must be a host name or address, got ${show(v)}`),
      )
      .describe('Host of the server behind the proxy.'),
    port: port(1, '1 to 65535').describe('Port of the server behind the proxy.'),
    url: z
      .string(says((v) => `must be a string when given, got ${show(v)}`))
      .optional()
      .describe('The server’s URL; `proxy.url()` rewrites it to point at the proxy.'),
  },
  says((v) => `is required: the server to proxy, e.g. a fixture (upstream: postgres) or { host: '127.0.0.1', port: 5432 }; got ${show(v)}`),
)

/** What startProxy() takes. */
export const proxyOptionsSchema = z.strictObject(
  {
    upstream: upstream.describe('The server to proxy: a database fixture (`upstream: postgres`) or `{ host, port, url? }`.'),
    listen: z
      .strictObject(
        { port: port(0, '0 (any free port) to 65535').default(0).describe('Port the proxy listens on, on 127.0.0.1; 0 takes a free one.') },
        says((v) => `must be an object like { port: 15432 }, got ${show(v)}`),
      )
      .optional()
      .describe('Where the proxy listens: always 127.0.0.1.'),
  },
  says((v) => `must be an object like { upstream: postgres } or { upstream: { host: '127.0.0.1', port: 5432 } }, got ${show(v)}`),
)

/** Extra words for keys that belong elsewhere. */
export function proxyUnknownKey(key: string, path: string, help: string): string | undefined {
  if (path === '' && (key === 'host' || key === 'port'))
    return `unknown option '${key}'; startProxy() takes upstream and listen (put ${key} under upstream)`
  if (path === 'listen' && key === 'host') return 'the proxy always listens on 127.0.0.1 (faults stay on this machine); leave host out'
  return `unknown option '${key}'; ${help}`
}
