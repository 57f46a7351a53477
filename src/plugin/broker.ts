import { startBrokerServer, type BrokerServer } from '../broker/server.ts'
import type { ProgressEvent } from '../core/progress-event.ts'
import { serverFaultHandlers } from '../faults/server-faults.ts'
import type { InfraBroker } from '../infra/broker.ts'
import { runAnnotation } from '../reporters/annotation.ts'

/**
 * The one broker of a Vitest run: the database routes of `infra`, the server faults on its
 * servers, and the progress relay, where each closed second of a run in a worker reaches the
 * main-process listeners (live progress lines, Prometheus exporter), and the annotation of a
 * finished run, drawn here with the reporters' chart code for the worker to attach to its test.
 */
export async function startBroker(
  infra: InfraBroker,
  onProgress: (event: ProgressEvent) => void,
  log: (line: string) => void,
): Promise<BrokerServer> {
  await infra.sweep()
  return startBrokerServer(
    {
      ...infra.handlers(),
      ...serverFaultHandlers((fixture) => infra.serverOf(fixture)),
      progress: onProgress,
      annotation: ({ result, test }) => runAnnotation(result, test),
    },
    log,
  )
}
