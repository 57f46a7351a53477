import { connectionExhaustion, killConnections, lockTable, pauseServer, restartServer, statementTimeout } from './database-faults.ts'
import { activate, withFault, type Fault } from './fault.ts'
import { cpuPressure, eventLoopBlock, memoryPressure } from './process-faults.ts'
import { startProxy, type TcpProxy } from './proxy.ts'
import type { ProxyOptions } from './proxy-options.ts'
import type { ToxicOptions } from './toxic-options.ts'

/** A toxic on a proxy as a Fault, so it can be scheduled in a run: start adds it, stop removes it. */
export function toxic(proxy: TcpProxy, spec: ToxicOptions): Fault {
  let handle: { remove(): void } | undefined
  return {
    name: spec.name ?? `${spec.type} (${spec.stream ?? 'downstream'})`,
    async start() {
      handle = proxy.addToxic(spec)
    },
    async stop() {
      handle?.remove()
      handle = undefined
    },
  }
}

/**
 * Every fault factory, scoped helpers included: `import { faults } from 'vitest-perf'`.
 * `faults.startProxy` is startProxy itself; the fixture's closes the proxy when the test ends.
 */
export const faults = {
  connectionExhaustion,
  lockTable,
  statementTimeout,
  killConnections,
  restartServer,
  pauseServer,
  memoryPressure,
  cpuPressure,
  eventLoopBlock,
  withFault,
  activate,
  startProxy,
  toxic,
}

export type Faults = typeof faults

/**
 * The `faults` fixture: the same factories, but every fault created in the test is stopped and
 * every proxy it started is closed when the test ends, passed or failed — held connections,
 * locks, pressure and toxics never leak. What the test did not create (a proxy of beforeAll) stays.
 */
export function trackedFaults(): { api: Faults; stopAll: () => Promise<void> } {
  const created = new Set<Fault>()
  const proxies = new Set<TcpProxy>()
  const track =
    <A extends unknown[]>(factory: (...args: A) => Fault) =>
    (...args: A) => {
      const fault = factory(...args)
      created.add(fault)
      return fault
    }
  const api: Faults = {
    ...faults,
    connectionExhaustion: track(connectionExhaustion),
    lockTable: track(lockTable),
    statementTimeout: track(statementTimeout),
    killConnections: track(killConnections),
    restartServer: track(restartServer),
    pauseServer: track(pauseServer),
    memoryPressure: track(memoryPressure),
    cpuPressure: track(cpuPressure),
    eventLoopBlock: track(eventLoopBlock),
    toxic: track(toxic),
    startProxy: async (options: ProxyOptions) => {
      const proxy = await startProxy(options)
      proxies.add(proxy)
      return proxy
    },
  }
  return {
    api,
    stopAll: async () => {
      await Promise.all([...created].map((f) => f.stop().catch(() => {})))
      created.clear()
      await Promise.all([...proxies].map((p) => p.close()))
      proxies.clear()
    },
  }
}
