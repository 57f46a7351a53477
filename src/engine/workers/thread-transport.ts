import { Worker } from 'node:worker_threads'
import { PerfError } from '../../core/errors.ts'
import type { ShardCommand, ShardMessage, ShardSpec } from '../shards/protocol.ts'
import type { ShardTransport } from '../shards/transport.ts'

// src runs as .ts (Node strips the types), the published package as .js. Threads started from
// src resolve `vitest-perf/load` to src too (the package's "vitest-perf-source" export condition),
// so this repository's tests and examples never run a stale dist/.
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const ENTRY = new URL(FROM_SOURCE ? './worker-main.ts' : './worker-main.js', import.meta.url)
const EXEC_ARGV = FROM_SOURCE ? [...process.execArgv, '--conditions=vitest-perf-source'] : undefined

/** Shards as worker threads of this process, each with its own event loop. */
export class ThreadTransport implements ShardTransport {
  readonly kind = 'worker' as const
  readonly lostAfterMs = Infinity
  readonly startDelayMs = 50
  readonly count: number
  private workers: Worker[] = []

  constructor(count: number) {
    this.count = count
  }

  open(specs: ShardSpec[], on: (m: ShardMessage) => void): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const ids: (string | undefined)[] = specs.map(() => undefined)
      let opening = true
      const fail = (shard: number, message: string) => {
        if (opening) {
          opening = false
          reject(new PerfError('PERF_SHARD_LOST', `Worker ${shard + 1} of ${specs.length} could not start: ${message}`))
        } else on({ type: 'failed', shard, message })
      }
      for (const spec of specs) {
        const w = new Worker(ENTRY, { workerData: spec, execArgv: EXEC_ARGV })
        let done = false
        w.on('message', (m: ShardMessage) => {
          if (m.type === 'done') done = true
          if (opening && m.type === 'ready') {
            ids[m.shard] = m.id
            if (ids.every((id) => id !== undefined)) {
              opening = false
              resolve(ids as string[])
            }
          } else if (opening && m.type === 'failed') fail(m.shard, m.message)
          else on(m)
        })
        w.on('error', (e) => fail(spec.shard, `thread threw ${e?.stack ?? e}`))
        w.on('exit', (code) => {
          if (!done) fail(spec.shard, `thread exited with code ${code} before finishing`)
        })
        this.workers.push(w)
      }
    })
  }

  send(shard: number | 'all', command: ShardCommand): void {
    for (const [i, w] of this.workers.entries()) if (shard === 'all' || shard === i) w.postMessage(command)
  }

  async close(): Promise<void> {
    const workers = this.workers
    this.workers = []
    await Promise.all(workers.map((w) => w.terminate()))
  }
}
