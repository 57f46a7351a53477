import { createHistogram, decodeHistogram, type Histogram } from '../../metrics/histogram.ts'
import type { Recorder } from '../../metrics/recorder.ts'
import type { ShardSecond } from './protocol.ts'

interface Pending {
  latency: Histogram
  serviceTime: Histogram
  iterations: number
  errors: number
  dropped: number
  vus: number
  ms: number
  from: Set<number>
}

/**
 * Merges the shards' seconds into the coordinator's recorder: second t closes once every shard
 * still running has sent its t (histograms added, counts summed), in order, so thresholds,
 * windows and live progress see the whole load as one run.
 */
export class SecondMerger {
  private readonly recorder: Recorder
  private readonly live: Set<number>
  private readonly pending = new Map<number, Pending>()
  private next = 0

  constructor(recorder: Recorder, shards: number) {
    this.recorder = recorder
    this.live = new Set(Array.from({ length: shards }, (_, i) => i))
  }

  add(m: ShardSecond): void {
    if (!this.live.has(m.shard) || m.t < this.next) return
    let p = this.pending.get(m.t)
    if (p === undefined) {
      p = { latency: createHistogram(), serviceTime: createHistogram(), iterations: 0, errors: 0, dropped: 0, vus: 0, ms: 0, from: new Set() }
      this.pending.set(m.t, p)
    }
    for (const [into, encoded] of [[p.latency, m.latency], [p.serviceTime, m.serviceTime]] as const) {
      const h = decodeHistogram(encoded)
      into.add(h)
      h.destroy()
    }
    p.iterations += m.iterations
    p.errors += m.errors
    p.dropped += m.dropped
    p.vus += m.vus
    p.ms = Math.max(p.ms, m.ms)
    p.from.add(m.shard)
    this.drain()
  }

  /** The shard finished or was lost: no more seconds are waited for from it. */
  end(shard: number): void {
    this.live.delete(shard)
    this.drain()
  }

  /** Closes every second still pending (the run is over). */
  flush(): void {
    this.live.clear()
    this.drain()
    for (const p of this.pending.values()) this.destroy(p)
    this.pending.clear()
  }

  private drain(): void {
    for (;;) {
      const p = this.pending.get(this.next)
      if (p === undefined) {
        // Nothing for this second: closed only when no running shard can still send it.
        if (this.live.size > 0 || ![...this.pending.keys()].some((t) => t > this.next)) return
        this.next++
        continue
      }
      for (const shard of this.live) if (!p.from.has(shard)) return
      this.pending.delete(this.next)
      this.next++
      this.recorder.addSecond({ latency: p.latency, serviceTime: p.serviceTime, iterations: p.iterations, errors: p.errors, dropped: p.dropped, ms: p.ms || 1000 }, p.vus)
      this.destroy(p)
    }
  }

  private destroy(p: Pending): void {
    p.latency.destroy()
    p.serviceTime.destroy()
  }
}
