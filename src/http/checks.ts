import type { ConfigProblem } from '../errors.ts'
import type { Tags } from '../metrics/registry.ts'
import type { CheckSpec, HttpResponse } from './types.ts'

/** One check, ready to run: its `checks{check:<name>}` tags are built once. */
export interface CompiledCheck {
  readonly name: string
  readonly tags: Tags
  readonly test: (res: HttpResponse) => boolean
}

export interface CompiledChecks {
  readonly list: readonly CompiledCheck[]
  /** Some check reads the body, so it must be kept. */
  readonly needsBody: boolean
}

export const NO_CHECKS: CompiledChecks = { list: [], needsBody: false }
const tagCache = new Map<string, Tags>()

function tagsFor(name: string): Tags {
  let tags = tagCache.get(name)
  if (tags === undefined) {
    tags = Object.freeze({ check: name })
    if (tagCache.size < 1000) tagCache.set(name, tags)
  }
  return tags
}

export function compileChecks(spec: CheckSpec | undefined, path: string, problems: ConfigProblem[]): CompiledChecks {
  if (spec === undefined) return NO_CHECKS
  if (typeof spec !== 'object' || spec === null) {
    problems.push({ path, message: `must be an object like { status: 200, body: /"id"/ }, got ${typeof spec}` })
    return NO_CHECKS
  }
  const list: CompiledCheck[] = []
  let needsBody = false
  for (const key of Object.keys(spec)) {
    if (key !== 'status' && key !== 'body' && key !== 'named') problems.push({ path: `${path}.${key}`, message: `unknown check; use status, body, or put a named predicate under named: { '${key}': (res) => … }` })
  }
  const status = statusTest(spec.status, `${path}.status`, problems)
  if (status !== undefined) list.push({ name: 'status', tags: tagsFor('status'), test: status })
  const body = bodyTest(spec.body, `${path}.body`, problems)
  if (body !== undefined) {
    list.push({ name: 'body', tags: tagsFor('body'), test: body })
    needsBody = true
  }
  if (spec.named !== undefined) {
    if (typeof spec.named !== 'object' || spec.named === null) problems.push({ path: `${path}.named`, message: 'must be an object of predicates: { name: (res) => boolean }' })
    else {
      for (const [name, fn] of Object.entries(spec.named)) {
        if (typeof fn !== 'function') problems.push({ path: `${path}.named.${name}`, message: `must be a function (res) => boolean, got ${typeof fn}` })
        else if (name === 'status' || name === 'body') problems.push({ path: `${path}.named.${name}`, message: `"${name}" is the name of a built-in check; pick another name` })
        else {
          list.push({ name, tags: tagsFor(name), test: fn })
          // A predicate may read res.text(): keep the body for it.
          needsBody = true
        }
      }
    }
  }
  return list.length === 0 ? NO_CHECKS : { list, needsBody }
}

function statusTest(check: CheckSpec['status'], path: string, problems: ConfigProblem[]): ((res: HttpResponse) => boolean) | undefined {
  if (check === undefined) return undefined
  if (typeof check === 'number' && Number.isInteger(check) && check >= 100 && check <= 599) return (res) => res.status === check
  if (Array.isArray(check) && check.length > 0 && check.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)) {
    const allowed = new Set(check)
    return (res) => allowed.has(res.status)
  }
  if (typeof check === 'function') return (res) => check(res.status) === true
  problems.push({ path, message: `must be a status code (100–599), a non-empty list of them, or (status) => boolean, got ${JSON.stringify(check)}` })
  return undefined
}

function bodyTest(check: CheckSpec['body'], path: string, problems: ConfigProblem[]): ((res: HttpResponse) => boolean) | undefined {
  if (check === undefined) return undefined
  if (typeof check === 'string') return (res) => res.text().includes(check)
  if (check instanceof RegExp) {
    // A /g or /y regex keeps lastIndex between tests, which would make the check flip.
    const re = check.global || check.sticky ? new RegExp(check.source, check.flags.replace(/[gy]/g, '')) : check
    return (res) => re.test(res.text())
  }
  if (typeof check === 'function') return (res) => check(res.text()) === true
  problems.push({ path, message: `must be a string the body contains, a RegExp, or (body) => boolean, got ${typeof check}` })
  return undefined
}
