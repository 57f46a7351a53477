import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const srcDir = path.join(root, 'src')
const troubleshooting = readFileSync(path.join(root, 'docs', 'troubleshooting.md'), 'utf8')

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return tsFiles(full)
    return entry.isFile() && entry.name.endsWith('.ts') ? [full] : []
  })
}

/** Every error code written as a string literal anywhere under src/, with the files using it. */
function errorCodes(): Map<string, string[]> {
  const codes = new Map<string, string[]>()
  for (const file of tsFiles(srcDir)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/['"](PERF_[A-Z_]+)['"]/g)) {
      const files = codes.get(match[1]) ?? []
      const relative = path.relative(root, file)
      if (!files.includes(relative)) files.push(relative)
      codes.set(match[1], files)
    }
  }
  return codes
}

/** Markdown headings of troubleshooting.md, without the #s and backticks. */
const headings = new Set([...troubleshooting.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)].map((m) => m[1].replaceAll('`', '').trim()))

describe('docs/troubleshooting.md', () => {
  const codes = errorCodes()

  it('finds the error codes in src/ (so the check below is not vacuous)', () => {
    expect(codes.size).toBeGreaterThanOrEqual(5)
  })

  it.each([...codes.keys()].sort())('has a heading for %s', (code) => {
    expect(headings.has(code), `${code} (used in ${codes.get(code)?.join(', ')}) needs a "## ${code}" section`).toBe(true)
  })
})
