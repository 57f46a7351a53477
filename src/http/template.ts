import { PerfHttpUsageError } from './errors.ts'

/** Values for `{name}` placeholders. */
export type TemplateVars = Record<string, string | number | bigint | boolean>

/**
 * A string with `{name}` placeholders, split once so filling it is plain concatenation.
 * Only `{` + identifier + `}` is a placeholder: JSON such as `{"id":1}` stays literal.
 */
export interface TextTemplate {
  readonly source: string
  /** The literal pieces around the placeholders; one more than `names`. */
  readonly parts: readonly string[]
  readonly names: readonly string[]
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g

export function parseTemplate(source: string): TextTemplate {
  const parts: string[] = []
  const names: string[] = []
  let last = 0
  for (const m of source.matchAll(PLACEHOLDER)) {
    parts.push(source.slice(last, m.index))
    names.push(m[1])
    last = m.index + m[0].length
  }
  parts.push(source.slice(last))
  return { source, parts, names }
}

export function hasPlaceholders(t: TextTemplate): boolean {
  return t.names.length > 0
}

/**
 * Fills the placeholders from `vars`, then `fallback` (the template's own vars). Path values are
 * percent-encoded so a value cannot add path segments or a query; header and body values are not.
 */
export function fillTemplate(
  t: TextTemplate,
  vars: TemplateVars | undefined,
  fallback: TemplateVars | undefined,
  encode: boolean,
  where: string,
): string {
  let out = t.parts[0]
  for (let i = 0; i < t.names.length; i++) {
    const name = t.names[i]
    let value = vars?.[name]
    if (value === undefined) value = fallback?.[name]
    if (value === undefined) throw missingValue(t, name, where)
    out += (typeof value === 'number' || !encode ? String(value) : encodeURIComponent(String(value))) + t.parts[i + 1]
  }
  return out
}

function missingValue(t: TextTemplate, name: string, where: string): PerfHttpUsageError {
  return new PerfHttpUsageError(
    'PERF_HTTP_TEMPLATE_VALUE_MISSING',
    `The ${where} template "${t.source}" needs a value for {${name}}: pass it when sending (send(ctx, { ${name}: … })) ` +
      `or give the template vars: (ctx) => ({ ${name}: … }).`,
  )
}

/**
 * The endpoint tag a path stands for when none is given: the path without its query string,
 * placeholders written `:name` (a `}` cannot appear in a threshold's tag value).
 */
export function endpointOf(path: string): string {
  const q = path.indexOf('?')
  return (q === -1 ? path : path.slice(0, q)).replace(PLACEHOLDER, ':$1')
}

/** Why a tag value cannot be named in a threshold key (`name{tag:value}`), or undefined. */
export function badTagValue(value: string): string | undefined {
  if (value === '' || value.trim() !== value) return 'must be non-empty, without leading or trailing spaces'
  if (/[,}]/.test(value)) return `"${value}" contains "," or "}", which a threshold key such as http_req_duration{endpoint:…} cannot hold`
  return undefined
}
