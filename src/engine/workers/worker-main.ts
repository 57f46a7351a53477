import { parentPort, workerData } from 'node:worker_threads'
import { ShardRunner } from '../shards/shard-run.ts'
import type { ShardCommand, ShardSpec } from '../shards/protocol.ts'

// Entry of a worker thread of a `workers: N` run: one shard, driven over the parent port.
const port = parentPort
if (port === null) throw new Error('worker-main.ts runs as a worker thread only')
const spec = workerData as ShardSpec
const runner = new ShardRunner(spec, (m) => port.postMessage(m))
port.on('message', (c: ShardCommand) => {
  if (c.type === 'start') void runner.run(c.at)
  else runner.command(c)
})
await runner.prepare(`worker-${spec.shard + 1}`)
