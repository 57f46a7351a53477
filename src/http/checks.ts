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

/** Builds the checks of a request spec already checked by checkSpecSchema (request-schema.ts). */
export function compileChecks(spec: CheckSpec | undefined): CompiledChecks {
  if (spec === undefined) return NO_CHECKS
  const list: CompiledCheck[] = []
  let needsBody = false
  const status = statusTest(spec.status)
  if (status !== undefined) list.push({ name: 'status', tags: tagsFor('status'), test: status })
  const body = bodyTest(spec.body)
  if (body !== undefined) {
    list.push({ name: 'body', tags: tagsFor('body'), test: body })
    needsBody = true
  }
  for (const [name, fn] of Object.entries(spec.named ?? {})) {
    list.push({ name, tags: tagsFor(name), test: fn })
    // A predicate may read res.text(): keep the body for it.
    needsBody = true
  }
  return list.length === 0 ? NO_CHECKS : { list, needsBody }
}

function statusTest(check: CheckSpec['status']): ((res: HttpResponse) => boolean) | undefined {
  if (check === undefined) return undefined
  if (typeof check === 'number') return (res) => res.status === check
  if (typeof check === 'function') return (res) => check(res.status) === true
  const allowed = new Set(check)
  return (res) => allowed.has(res.status)
}

function bodyTest(check: CheckSpec['body']): ((res: HttpResponse) => boolean) | undefined {
  if (check === undefined) return undefined
  if (typeof check === 'string') return (res) => res.text().includes(check)
  if (check instanceof RegExp) {
    // A /g or /y regex keeps lastIndex between tests, which would make the check flip.
    const re = check.global || check.sticky ? new RegExp(check.source, check.flags.replace(/[gy]/g, '')) : check
    return (res) => re.test(res.text())
  }
  return (res) => check(res.text()) === true
}
