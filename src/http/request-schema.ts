import { z } from 'zod'
import { show } from '../config/zod-problems.ts'
import { timeoutSchema } from './options-schema.ts'
import { badTagValue, endpointOf } from './template.ts'

type AnyFunction = (...args: never[]) => unknown

/** A function option; `typeName` tells the configuration reference what to print. */
// Without a message (inside a union) the rejection stays zod's "Invalid input", which the union reads as "not this branch".
const fn = (message?: string) =>
  z
    .custom<AnyFunction>(
      (v) => typeof v === 'function',
      message === undefined ? undefined : { error: (issue) => `${message}, got ${typeof issue.input}` },
    )
    .meta({ typeName: 'function' })

const METHOD = /^[A-Za-z!#$%&'*+.^_`|~0-9-]+$/
const TAG_NAME = /^[\w.-]+$/

const methodProblem = (method: unknown) => `must be an HTTP method such as 'GET' or 'POST', got ${show(method)}`

const pathProblem = (path: unknown) => `must start with "/" (the origin is the client's URL), got ${show(path)}`
const isStatus = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599

/** The `check` of a request: each is counted in the `checks` rate as `checks{check:<name>}`. */
export const checkSpecSchema = z.strictObject(
  {
    status: z
      .custom<number | readonly number[] | AnyFunction>(
        (v) => isStatus(v) || (Array.isArray(v) && v.length > 0 && v.every(isStatus)) || typeof v === 'function',
        {
          error: (issue) => `must be a status code (100–599), a non-empty list of them, or (status) => boolean, got ${show(issue.input)}`,
        },
      )
      .meta({ typeName: 'integer 100–599 | integer[] | function' })
      .optional()
      .describe('The status equals, is one of, or satisfies this.'),
    body: z
      .union([z.string(), z.instanceof(RegExp).meta({ typeName: 'RegExp' }), fn()], {
        error: (issue) => `must be a string the body contains, a RegExp, or (body) => boolean, got ${typeof issue.input}`,
      })
      .optional()
      .describe('The body contains the string, matches the RegExp, or satisfies the function; keeps the body.'),
    named: z
      .record(z.string(), fn('must be a function (res) => boolean'), {
        error: () => 'must be an object of predicates: { name: (res) => boolean }',
      })
      .superRefine((named, ctx) => {
        for (const name of ['status', 'body'])
          if (name in named)
            ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is the name of a built-in check; pick another name` })
      })
      .optional()
      .describe('More checks by name, `{ name: (res) => boolean }`; keeps the body.'),
  },
  { error: (issue) => `must be an object like { status: 200, body: /"id"/ }, got ${typeof issue.input}` },
)

const tags = z.record(z.string(), z.unknown(), { error: () => 'must be an object of string values' }).superRefine((given, ctx) => {
  for (const [name, value] of Object.entries(given)) {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', path: [name], message })
    if (name === 'endpoint') problem('endpoint is set by tag, not tags')
    else if (!TAG_NAME.test(name)) problem('tag names are letters, digits, _ . -')
    else if (typeof value !== 'string') problem(`must be a string, got ${typeof value}`)
    else {
      const bad = badTagValue(value)
      if (bad !== undefined) problem(bad)
    }
  }
})

/** A request: `client.request(spec)`, `client.template(spec)`, and the options of `client.get(path, options)`. */
export const requestSpecSchema = z
  .strictObject(
    {
      method: z
        .string({ error: (issue) => methodProblem(issue.input) })
        .regex(METHOD, { error: (issue) => methodProblem(issue.input) })
        .meta({ typeName: 'string (an HTTP method)' })
        .optional()
        .describe("HTTP method, `'GET'` when missing; upper-cased."),
      path: z
        .union([z.string().startsWith('/', { error: (issue) => pathProblem(issue.input) }), fn()], {
          error: (issue) => pathProblem(issue.input),
        })
        .describe('Starts with `/`; `{name}` placeholders are filled per request (percent-encoded); or a function of (ctx, vars).'),
      vars: fn('must be a function (ctx) => ({ name: value })')
        .optional()
        .describe('Values for the placeholders when the caller passes none.'),
      tag: z
        .string()
        .optional()
        .describe('The `endpoint` tag; the path template without its query string when missing. Required when `path` is a function.'),
      tags: tags.optional().describe("More tags of `http_req_duration`, e.g. `{ api: 'v2' }`."),
      headers: z
        .union([z.record(z.string(), z.string()), fn()], {
          error: (issue) =>
            typeof issue.input === 'object' && issue.input !== null
              ? undefined
              : `must be an object of header values or a function returning one, got ${typeof issue.input}`,
        })
        .optional()
        .describe('Header values (`{name}` placeholders allowed) or a function returning them; merged over the client’s headers.'),
      body: z
        .union([z.string(), z.instanceof(Uint8Array).meta({ typeName: 'Uint8Array' }), fn()], {
          error: (issue) => `must be a string, a Uint8Array or a function returning one, got ${typeof issue.input}`,
        })
        .optional()
        .describe('A string with `{name}` placeholders, bytes, or a function returning either.'),
      json: z
        .unknown()
        .optional()
        .describe('Sent as JSON with content-type application/json (a value or a function returning one); excludes `body`.'),
      check: checkSpecSchema.optional().describe('Checks counted in the `checks` rate; see below.'),
      readBody: z
        .boolean()
        .optional()
        .describe('Keep the response body for `res.text()`, `json()`, `bytes()`; implied by body and named checks.'),
      throwOnCheck: z
        .boolean()
        .optional()
        .describe('Throw PerfHttpCheckError when a check fails; the client’s `throwOnCheck` when missing.'),
      timeout: timeoutSchema.optional().describe('Overrides the client’s headers and body timeouts for this request.'),
    },
    { error: () => 'must be an object like { method, path }' },
  )
  .superRefine(
    (spec, ctx) => {
      const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
      if (typeof spec.path === 'function' && spec.tag === undefined) {
        problem(
          'tag',
          'is required when path is a function, so the endpoint tag has a stable name (e.g. tag: "/orders/:id"); or use a template path "/orders/{id}"',
        )
      }
      if (spec.json !== undefined && spec.body !== undefined) problem('json', 'give either body or json, not both')
      if (typeof spec.tag !== 'string' && typeof spec.path === 'string' && spec.path.startsWith('/')) {
        const bad = badTagValue(endpointOf(spec.path))
        if (bad !== undefined) problem('tag', `the endpoint tag ${bad}; pass tag: '/a-name' for this request`)
      } else if (typeof spec.tag === 'string') {
        const bad = badTagValue(spec.tag)
        if (bad !== undefined) problem('tag', `the endpoint tag ${bad}; pass tag: '/a-name' for this request`)
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )

/** An unknown key under `check` is most likely a predicate meant for `named`. */
export function requestUnknownKey(key: string, path: string, help: string): string | undefined {
  if (path !== 'check') return undefined
  const near = help.startsWith('did you mean') ? `${help} Or ` : ''
  return `unknown check '${key}'; ${near}use status, body, or put a named predicate under named: { '${key}': (res) => … }`
}
