// The one escape function of each output format, applied where a value is written: names, test
// titles, threshold expressions, error messages and abort reasons come from users and from
// results files anyone can edit, and reports land in browsers, step summaries and spreadsheets.

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text for HTML content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c])
}

/**
 * Inline Markdown text, also inside table cells: no HTML (`<details>`, `<img>`), no emphasis,
 * links, images or code spans, no heading or list started by a line break of the value.
 */
export function escapeMarkdown(value: unknown): string {
  return String(value)
    .replace(/\r\n?|\n|\u2028|\u2029/g, ' ')
    .replace(/[&<>]/g, (c) => HTML_ENTITIES[c])
    .replace(/[\\`*_[\]#!|~@]/g, (c) => `\\${c}`)
}

/**
 * Inline code (a threshold expression): a `<code>` element, since a Markdown code span cannot
 * escape its own backticks and shows entities literally.
 */
export function markdownCode(value: unknown): string {
  const text = String(value).replace(/\r\n?|\n|\u2028|\u2029/g, ' ')
  return `<code>${text.replace(/[&<>"'|\\`*_[\]]/g, (c) => HTML_ENTITIES[c] ?? `&#${c.charCodeAt(0)};`)}</code>`
}

const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One CSV cell: RFC 4180 quoting when a comma, quote or line break is inside, and a leading `'`
 * on text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return).
 * Numbers are written as they are, negative ones included.
 */
export function csvCell(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return ''
  let text = String(value)
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
