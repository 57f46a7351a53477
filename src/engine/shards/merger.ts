import { createHistogram, decodeHistogram, type Histogram } from '../../metrics/histogram.ts'
import type { Recorder, ScenarioSecond } from '../../metrics/recorder.ts'
import type { ShardPart, ShardSecond } from './protocol.ts'

/** How far ahead of the oldest open second a shard's second may be. */
const MAX_AHEAD_S = 3600

/** The shards' seconds merged so far: of all their load, or of one scenario. */
interface Part {
  latency: Histogram
  serviceTime: Histogram
  iterations: number
  errors: number
  dropped: number
  vus: number
  ms: number
}

interface Pending extends Part {
  from: Set<number>
  /** Runs with scenarios: each scenario's part, by name. */
  scenarios: Map<string, Part>
}

const newPart = (): Part => ({
  latency: createHistogram(),
  serviceTime: createHistogram(),
  iterations: 0,
  errors: 0,
  dropped: 0,
  vus: 0,
  ms: 0,
})

function addTo(p: Part, m: ShardPart): void {
  for (const [into, encoded] of [
    [p.latency, m.latency],
    [p.serviceTime, m.serviceTime],
  ] as const) {
    const h = decodeHistogram(encoded)
    into.add(h)
    h.destroy()
  }
  p.iterations += m.iterations
  p.errors += m.errors
  p.dropped += m.dropped
  p.vus += m.vus
  p.ms = Math.max(p.ms, m.ms)
}

const secondOf = (p: Part): ScenarioSecond => ({
  latency: p.latency,
  serviceTime: p.serviceTime,
  iterations: p.iterations,
  errors: p.errors,
  dropped: p.dropped,
  vus: p.vus,
  ms: p.ms || 1000,
})

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
    // A second far ahead of the ones still open is not a real one: it would hold memory forever.
    if (!this.live.has(m.shard) || !Number.isInteger(m.t) || m.t < this.next || m.t > this.next + MAX_AHEAD_S) return
    let p = this.pending.get(m.t)
    if (p === undefined) {
      p = { ...newPart(), from: new Set(), scenarios: new Map() }
      this.pending.set(m.t, p)
    }
    addTo(p, m)
    for (const [name, part] of Object.entries(m.scenarios ?? {})) {
      let into = p.scenarios.get(name)
      if (into === undefined) p.scenarios.set(name, (into = newPart()))
      addTo(into, part)
    }
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
        if (this.live.size > 0 || this.pending.size === 0) return
        // Jump to the next second something was sent for, instead of stepping through the gap.
        this.next = Math.min(...this.pending.keys())
        continue
      }
      for (const shard of this.live) if (!p.from.has(shard)) return
      this.pending.delete(this.next)
      this.next++
      const { vus, ...total } = secondOf(p)
      const scenarios =
        p.scenarios.size > 0 ? { scenarios: Object.fromEntries([...p.scenarios].map(([name, s]) => [name, secondOf(s)])) } : {}
      this.recorder.addSecond({ ...total, ...scenarios }, vus)
      this.destroy(p)
    }
  }

  private destroy(p: Pending): void {
    for (const part of [p, ...p.scenarios.values()]) {
      part.latency.destroy()
      part.serviceTime.destroy()
    }
  }
}
