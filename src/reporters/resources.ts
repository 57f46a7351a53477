import type { ResourceSample } from '../core/resource-sample.ts'

// Samples are read field by field and missing ones skipped: results files may be hand-made or
// older, and a field the monitor adds later still shows up under "Other resources".

export type ResourceGroup = 'memory' | 'cpu' | 'eventLoop' | 'handles' | 'servers' | 'other'

export interface ResourceSeries {
  label: string
  group: ResourceGroup
  unit: 'MB' | '%' | 'ms' | ''
  /** 2 puts the series on a right-hand axis (event-loop utilization beside the delays). */
  axis?: 2
  /** [seconds since the run's start, value] in sample order. */
  points: [number, number][]
}

const MB = 1024 * 1024
const KNOWN = new Set([
  't',
  'cpu',
  'rss',
  'heapUsed',
  'heapAfterGc',
  'heapObjects',
  'heapObjectsAfterGc',
  'external',
  'arrayBuffers',
  'afterFullGc',
  'eventLoop',
  'handles',
  'servers',
])

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

type Emit = (label: string, group: ResourceGroup, unit: ResourceSeries['unit'], value: unknown, axis?: 2) => void

function readSample(s: Record<string, unknown>, emit: Emit): void {
  emit('rss', 'memory', 'MB', finite(s.rss) ? s.rss / MB : undefined)
  emit('heap used', 'memory', 'MB', finite(s.heapUsed) ? s.heapUsed / MB : undefined)
  emit('heap after GC', 'memory', 'MB', finite(s.heapAfterGc) ? s.heapAfterGc / MB : undefined)
  // The part of the heap toHaveNoLeak() judges: JavaScript objects, without the JIT's code.
  emit('heap objects', 'memory', 'MB', finite(s.heapObjects) ? s.heapObjects / MB : undefined)
  emit('heap objects after GC', 'memory', 'MB', finite(s.heapObjectsAfterGc) ? s.heapObjectsAfterGc / MB : undefined)
  emit('external', 'memory', 'MB', finite(s.external) ? s.external / MB : undefined)
  emit('array buffers', 'memory', 'MB', finite(s.arrayBuffers) ? s.arrayBuffers / MB : undefined)
  emit('test process', 'cpu', '%', s.cpu)
  if (isRecord(s.eventLoop)) {
    for (const k of ['p50', 'p99', 'max']) emit(`delay ${k}`, 'eventLoop', 'ms', s.eventLoop[k])
    emit('utilization', 'eventLoop', '%', finite(s.eventLoop.utilization) ? s.eventLoop.utilization * 100 : undefined, 2)
  }
  if (isRecord(s.handles)) for (const [type, n] of Object.entries(s.handles)) emit(type, 'handles', '', n)
  if (isRecord(s.servers)) {
    for (const [service, server] of Object.entries(s.servers)) {
      if (!isRecord(server)) continue
      emit(service, 'cpu', '%', server.cpu)
      emit(`${service} rss`, 'memory', 'MB', finite(server.rss) ? server.rss / MB : undefined)
      if (!isRecord(server.stats)) continue
      for (const [stat, v] of Object.entries(server.stats)) {
        // used_memory (Redis) and the like are bytes: they belong beside the other memory series.
        if (/memory|bytes/i.test(stat)) emit(`${service} ${stat}`, 'memory', 'MB', finite(v) ? v / MB : undefined)
        else emit(`${service} ${stat}`, 'servers', '', v)
      }
    }
  }
  for (const [key, v] of Object.entries(s)) if (!KNOWN.has(key)) emit(key, 'other', '', v)
}

/** Every numeric series of the run's resource samples, grouped for charting. */
export function resourceSeries(resources: readonly unknown[]): ResourceSeries[] {
  const byKey = new Map<string, ResourceSeries>()
  resources.forEach((sample, index) => {
    if (!isRecord(sample)) return
    const t = finite(sample.t) ? sample.t : index
    readSample(sample, (label, group, unit, value, axis) => {
      if (!finite(value)) return
      const key = `${group}\u0000${label}`
      let series = byKey.get(key)
      if (!series) byKey.set(key, (series = { label, group, unit, ...(axis ? { axis } : {}), points: [] }))
      series.points.push([t, value])
    })
  })
  return [...byKey.values()]
}

/** Peak memory of the test process in MB: its rss, else its heap; undefined without samples. */
export function peakMemoryMb(resources: readonly (ResourceSample | unknown)[]): number | undefined {
  for (const field of ['rss', 'heapUsed']) {
    const values = resources
      .filter(isRecord)
      .map((s) => s[field])
      .filter(finite)
    if (values.length > 0) return Math.max(...values) / MB
  }
  return undefined
}
