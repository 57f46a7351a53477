import { importOptional } from '../core/optional-package.ts'
import type { RouteHandlers } from '../broker/routes.ts'
import type { ServiceFixture } from '../broker/wire.ts'
import { PerfFaultError } from '../core/errors.ts'
import type { RunningServer } from '../infra/types.ts'

/**
 * Freezes a server without closing anything (connections hang, as on a stalled host): SIGSTOP /
 * SIGCONT for a local process, `docker pause` / `unpause` for a container.
 */
async function pauseServer(server: RunningServer, pause: boolean): Promise<void> {
  if (server.pid !== undefined) {
    process.kill(server.pid, pause ? 'SIGSTOP' : 'SIGCONT')
    return
  }
  if (server.containerId) {
    const { getContainerRuntimeClient } = await importOptional<typeof import('testcontainers')>(
      'testcontainers',
      'faults.pauseServer on a container',
    )
    const client = await getContainerRuntimeClient()
    const container = client.container.getById(server.containerId) as unknown as { pause(): Promise<void>; unpause(): Promise<void> }
    await (pause ? container.pause() : container.unpause())
    return
  }
  throw new PerfFaultError(
    'PERF_FAULT_UNSUPPORTED',
    `pausing a ${server.provider} ${server.service} server is not supported: it needs a local process or a container`,
  )
}

/**
 * The broker's server fault routes, run in the main process that owns the servers: they act on
 * the server behind a fixture (`serverOf`), so every test file sharing it sees the fault.
 */
export function serverFaultHandlers(serverOf: (fixture: ServiceFixture) => RunningServer): RouteHandlers<'pause' | 'unpause' | 'restart'> {
  return {
    pause: ({ fixture }) => pauseServer(serverOf(fixture), true),
    unpause: ({ fixture }) => pauseServer(serverOf(fixture), false),
    restart: async ({ fixture }) => {
      const server = serverOf(fixture)
      if (!server.restart) {
        throw new PerfFaultError(
          'PERF_FAULT_UNSUPPORTED',
          `restarting a ${server.provider} ${server.service} server is not supported; the local provider can (pin it with VITEST_PERF_${server.service.toUpperCase()}_PROVIDER=local)`,
        )
      }
      await server.restart()
    },
  }
}
