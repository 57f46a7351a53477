import { createServer, isIP } from 'node:net'
import type { GenericContainer } from 'testcontainers'
import { importOptional } from '../../core/optional-package.ts'
import { removeMarker, writeMarker } from '../leftovers.ts'
import type { RunningServer, ServiceName, Tuning } from '../types.ts'
import { markerId } from '../util.ts'

/** The label put on every container we start, with our process id: the sweep finds orphans by it. */
export const OWNER_LABEL = 'org.vitest-perf.owner'

/**
 * The host address a container's ports are published on, from the host Testcontainers reaches
 * containers through: loopback when that is loopback (Docker on this machine); that address when
 * it is one of this machine's own (a dockerd in this network namespace, seen from inside a
 * container, where Testcontainers goes through the bridge's gateway). Otherwise the daemon runs
 * elsewhere and its loopback is out of reach from here: undefined, Docker's default (all addresses).
 */
export async function publishAddress(runtimeHost: string): Promise<string | undefined> {
  const host = runtimeHost.replace(/^\[|\]$/g, '')
  if (host === 'localhost' || /^127\./.test(host)) return '127.0.0.1'
  if (host === '::1') return '::1'
  if (isIP(host) === 0) return undefined
  return (await isOwnAddress(host)) ? host : undefined
}

/** Whether `address` is this machine's: it can be listened on (also on an interface that is down, as docker0 without containers). */
function isOwnAddress(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(0, address, () => probe.close(() => resolve(true)))
  })
}

// The mixin pattern needs exactly this constructor type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ContainerClass = new (...args: any[]) => GenericContainer

/**
 * A Testcontainers module whose published ports bind to `publishAddress()` instead of every
 * address of the machine (Docker's default), so nothing off this machine reaches the database.
 */
export function localPorts<C extends ContainerClass>(Module: C): C {
  return class extends Module {
    protected override async beforeContainerCreated(): Promise<void> {
      await super.beforeContainerCreated?.()
      const { getContainerRuntimeClient } = await importOptional<typeof import('testcontainers')>(
        'testcontainers',
        'the testcontainers provider',
      )
      const address = await publishAddress((await getContainerRuntimeClient()).info.containerRuntime.host)
      if (address === undefined) return
      for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
        for (const binding of bindings) binding.HostIp = address
      }
    }
  }
}

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
  const started = await container
    .withLabels({ [OWNER_LABEL]: String(process.pid) })
    .withStartupTimeout(120_000)
    .start()
  const id = markerId()
  writeMarker({
    id,
    ownerPid: process.pid,
    service,
    provider: 'testcontainers',
    containerId: started.getId(),
    createdAt: new Date().toISOString(),
  })
  try {
    const info = await describe(started)
    return {
      service,
      provider: 'testcontainers',
      ...info,
      tuning,
      containerId: started.getId(),
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

/**
 * Removes containers a killed run left behind (best effort: needs a reachable runtime), each only
 * when it carries our owner label with the pid of the run that started it; `warn` hears refusals.
 */
export async function removeContainers(
  containers: { id: string; ownerPid: number }[],
  warn: (line: string) => void = () => {},
): Promise<string[]> {
  if (containers.length === 0) return []
  const { getContainerRuntimeClient } = await importOptional<typeof import('testcontainers')>(
    'testcontainers',
    'removing containers a killed run left behind',
  )
  const client = await getContainerRuntimeClient()
  const removed: string[] = []
  for (const { id, ownerPid } of containers) {
    try {
      const container = client.container.getById(id)
      const label = (await container.inspect()).Config?.Labels?.[OWNER_LABEL]
      if (label !== String(ownerPid)) {
        warn(`vitest-perf: not removing container ${id.slice(0, 12)}: it does not carry our label ${OWNER_LABEL}=${ownerPid}`)
        continue
      }
      await client.container.remove(container, { removeVolumes: true })
      removed.push(id)
    } catch {
      // already gone
    }
  }
  return removed
}
