import { LocalProcess, type SpawnSpec } from './local-process.ts'
import { removeMarker, writeMarker } from './leftovers.ts'
import type { TempDir } from './temp-dir.ts'
import type { ProviderName, RunningServer, ServiceName } from './types.ts'
import { markerId } from './util.ts'

/** The lifecycle half of a RunningServer started by the local (or embedded) provider. */
export type LocalLifecycle = Pick<RunningServer, 'pid' | 'stop' | 'restart'>

/**
 * Starts a server process in its temp dir and waits until it answers. An ownership marker names
 * it for the sweep after a killed run (pass the id of the marker written before an initdb, so there
 * is one); on failure everything is undone before the error goes on.
 */
export async function startLocalServer(
  service: ServiceName,
  spec: SpawnSpec,
  dir: TempDir,
  port: number,
  id = markerId(),
  provider: Extract<ProviderName, 'local' | 'embedded'> = 'local',
): Promise<LocalLifecycle> {
  const mark = (pid: number | undefined) =>
    writeMarker({
      id,
      ownerPid: process.pid,
      service,
      provider,
      pid,
      port,
      dataDir: dir.path,
      createdAt: new Date().toISOString(),
    })
  let proc = new LocalProcess(spec)
  mark(proc.pid)
  try {
    await proc.waitReady()
  } catch (e) {
    await proc.stop()
    dir.remove()
    removeMarker(id)
    throw e
  }
  return {
    pid: proc.pid,
    async restart(this: RunningServer) {
      await proc.stop()
      proc = new LocalProcess(spec)
      mark(proc.pid)
      await proc.waitReady()
      this.pid = proc.pid
    },
    stop: async () => {
      await proc.stop()
      dir.remove()
      removeMarker(id)
    },
  }
}
