import { removeMarker, writeMarker } from '../leftovers.ts'
import type { RunningServer, ServiceName, Tuning } from '../types.ts'
import { markerId } from '../util.ts'

/** The label put on every container we start, with our process id: the sweep finds orphans by it. */
export const OWNER_LABEL = 'org.vitest-perf.owner'

interface Startable<S> {
  withLabels(labels: Record<string, string>): this
  withStartupTimeout(ms: number): this
  start(): Promise<S>
}

interface Started {
  getId(): string
  stop(): Promise<unknown>
}

/** Starts a Testcontainers module container and describes it as a RunningServer. */
export async function containerServer<S extends Started>(
  service: ServiceName,
  container: Startable<S>,
  tuning: Tuning | 'unknown',
  describe: (started: S) => Promise<{ host: string; port: number; user: string; password: string; database: string; version: string }>,
): Promise<RunningServer> {
  const started = await container.withLabels({ [OWNER_LABEL]: String(process.pid) }).withStartupTimeout(120_000).start()
  const id = markerId()
  writeMarker({ id, ownerPid: process.pid, service, provider: 'testcontainers', containerId: started.getId(), createdAt: new Date().toISOString() })
  try {
    const info = await describe(started)
    return {
      service, provider: 'testcontainers', ...info, tuning, containerId: started.getId(),
      stop: async () => {
        await started.stop()
        removeMarker(id)
      },
    }
  } catch (e) {
    await started.stop().catch(() => {})
    removeMarker(id)
    throw e
  }
}

/** Removes containers a killed run left behind (best effort: needs a reachable runtime). */
export async function removeContainers(ids: string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const { getContainerRuntimeClient } = await import('testcontainers')
  const client = await getContainerRuntimeClient()
  const removed: string[] = []
  for (const id of ids) {
    try {
      await client.container.remove(client.container.getById(id), { removeVolumes: true })
      removed.push(id)
    } catch {
      // already gone
    }
  }
  return removed
}
