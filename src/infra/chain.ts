import { PerfConfigError, PerfInfraError } from '../core/errors.ts'
import { importOptional } from '../core/optional-package.ts'
import { redact } from '../core/redact.ts'
import type { ServiceDriver } from './driver.ts'
import { PROVIDER_ORDER, type ProviderFailure, type ProviderName, type RunningServer, type ServiceOptions } from './types.ts'

const FIXES: Record<ProviderName, (d: ServiceDriver) => string> = {
  url: (d) => `set ${d.urlEnv} to a server you run`,
  testcontainers: () => 'start Docker (or set DOCKER_HOST); see docker/README.md for CI without a registry',
  local: (d) =>
    `install the ${d.service} server binaries (e.g. apt-get install ${d.service === 'mysql' ? 'mariadb-server' : d.service === 'redis' ? 'redis-server' : d.service === 'postgres' ? 'postgresql' : 'mongodb'})`,
  embedded: () => 'the embedded provider exists for postgres only',
}

/** Why a provider failed, for the fixture's `tried` and the final message: any URL in it redacted. */
function shortReason(error: unknown): string {
  const text = redact(error instanceof Error ? error.message : String(error))
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text
}

/**
 * Tries the providers in order (url → testcontainers → local → embedded) or only the pinned
 * one, and returns the first server that works. Fails with every provider tried and why.
 * Without the service's client package it fails at once with PERF_PACKAGE_MISSING: every
 * provider needs it, and a server started without it could never be reached.
 */
export async function startService(
  driver: ServiceDriver,
  options: ServiceOptions,
): Promise<{ server: RunningServer; failures: ProviderFailure[] }> {
  const url = options.url ?? process.env[driver.urlEnv]
  const pinned = options.provider ?? pinnedByEnv(driver)
  const order = pinned ? [pinned] : PROVIDER_ORDER
  await importOptional(driver.client, `the ${driver.service} fixture`)
  const failures: ProviderFailure[] = []
  for (const provider of order) {
    try {
      if (provider === 'url') {
        if (!url) {
          failures.push({ provider, reason: `not configured (${driver.urlEnv} is not set)`, fix: FIXES.url(driver) })
          continue
        }
        return { server: await driver.fromUrl(url), failures }
      }
      if (provider === 'embedded' && !driver.embedded) {
        failures.push({ provider, reason: `not available for ${driver.service}`, fix: FIXES.embedded(driver) })
        continue
      }
      const server =
        provider === 'testcontainers'
          ? await driver.testcontainers(options)
          : provider === 'local'
            ? await driver.local(options)
            : await driver.embedded!(options)
      return { server, failures }
    } catch (error) {
      const reason = shortReason(error)
      // A reason that carries its own fix needs no generic one.
      const pull = provider === 'testcontainers' && /registry|pull|manifest|no such host|127\.0\.0\.1:80/i.test(reason)
      const fix = pull
        ? `the image cannot be pulled here: build or load it (docker/README.md shows how without a registry) and set VITEST_PERF_${driver.service.toUpperCase()}_IMAGE`
        : FIXES[provider](driver)
      // An explicit URL that fails is an error to fix, not something to paper over: no other
      // provider is tried, and the test fails even without CI (a skip would hide it).
      if (provider === 'url' && url) throw explicitUrlFailed(driver, options, reason)
      failures.push({ provider, reason, ...(/fix:/.test(reason) ? {} : { fix }) })
    }
  }
  throw unavailable(driver, failures)
}

function explicitUrlFailed(driver: ServiceDriver, options: ServiceOptions, reason: string): PerfInfraError {
  const source = options.url !== undefined ? `perf({ infra: { ${driver.service}: { url } } })` : driver.urlEnv
  return new PerfInfraError(
    'PERF_INFRA_URL_INVALID',
    `${source} names the ${driver.service} server to use, and it cannot be used:\n  - url: ${reason.replaceAll('\n', '\n    ')}\n` +
      `No other provider is tried for an explicit URL. Fix the URL or start that server, or unset ${source} to let vitest-perf start one.`,
  )
}

/** VITEST_PERF_POSTGRES_PROVIDER=local pins a provider without touching the config. */
function pinnedByEnv(driver: ServiceDriver): ProviderName | undefined {
  const value = process.env[`VITEST_PERF_${driver.service.toUpperCase()}_PROVIDER`]
  if (value === undefined || value === '') return undefined
  if ((PROVIDER_ORDER as string[]).includes(value)) return value as ProviderName
  throw new PerfConfigError(
    [{ path: `VITEST_PERF_${driver.service.toUpperCase()}_PROVIDER`, message: `is "${value}"; use one of ${PROVIDER_ORDER.join(', ')}` }],
    'environment',
  )
}

export function unavailable(driver: ServiceDriver, failures: ProviderFailure[]): PerfInfraError {
  const lines = failures.map((f) => `  - ${f.provider}: ${f.reason.replaceAll('\n', '\n    ')}${f.fix ? `\n    fix: ${f.fix}` : ''}`)
  return new PerfInfraError('PERF_INFRA_UNAVAILABLE', `No ${driver.service} server could be had. Providers tried:\n${lines.join('\n')}`)
}
