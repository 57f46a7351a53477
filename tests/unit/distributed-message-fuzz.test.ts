import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ResolvedLoadConfig } from '../../src/core/load-config.ts'
import type { DroppedMessages } from '../../src/core/result.ts'
import { EventGate } from '../../src/distributed/event-gate.ts'
import { Signer } from '../../src/distributed/signing.ts'
import { runSharded } from '../../src/engine/shards/coordinate.ts'
import { SecondMerger } from '../../src/engine/shards/merger.ts'
import type { ShardCommand, ShardMessage, ShardSecond, ShardSpec } from '../../src/engine/shards/protocol.ts'
import type { ShardTransport } from '../../src/engine/shards/transport.ts'
import { createHistogram, encodeHistogram, initHistograms } from '../../src/metrics/histogram.ts'
import { Recorder } from '../../src/metrics/recorder.ts'

const KEY = Buffer.from('fuzz-key-of-enough-length-0123456789')
const SHARDS = 2
let empty = ''

beforeAll(async () => {
  await initHistograms()
  const h = createHistogram()
  h.recordValue(1000)
  empty = encodeHistogram(h)
  h.destroy()
})

type Entry = Record<string, string>

function second(shard: number, t: number, iterations: number): ShardSecond {
  return {
    type: 'second',
    shard,
    t,
    ms: 1000,
    iterations,
    errors: 0,
    dropped: 0,
    vus: 1,
    vusAllocated: 1,
    latency: empty,
    serviceTime: empty,
    errorsByKind: {},
    metrics: {},
  }
}

/**
 * The coordinator's side of a distributed run with Redis taken out: stream entries go through the
 * real gate (signature, replay, schema, bounds) into the real coordinator (runSharded, merger).
 * The hostile entries arrive first, then each shard's honest second and 'done'.
 */
class FuzzTransport implements ShardTransport {
  readonly kind = 'driver' as const
  readonly count = SHARDS
  readonly lostAfterMs = 5000
  readonly startDelayMs = 0
  accepted = 0
  private gate: EventGate | undefined
  private on: (m: ShardMessage) => void = () => {}
  private readonly hostile: (runId: string) => Entry[]

  constructor(hostile: (runId: string) => Entry[]) {
    this.hostile = hostile
  }

  async open(specs: ShardSpec[], on: (m: ShardMessage) => void): Promise<string[]> {
    this.gate = new EventGate(KEY, specs[0].runId, SHARDS, 6)
    this.on = on
    const runId = specs[0].runId
    setTimeout(() => {
      for (const entry of this.hostile(runId)) this.deliver(entry)
      for (let shard = 0; shard < SHARDS; shard++) {
        // Honest shards sign with their own sequence, above anything a hostile entry used.
        const signer = new Signer(KEY, 'event', String(shard))
        for (let i = 0; i < 1000; i++) signer.sign(runId, null)
        this.deliver(fields(signer.sign(runId, second(shard, 0, 10))))
        this.deliver(fields(signer.sign(runId, { type: 'done', shard, interrupted: 0, vusAllocated: 1, state: 'completed' })))
      }
    }, 5)
    return specs.map((_, i) => `fuzz-${i}`)
  }

  private deliver(entry: Entry): void {
    const m = this.gate?.accept(entry)
    if (m === undefined) return
    this.accepted++
    this.on(m)
  }

  send(_shard: number | 'all', command: ShardCommand): void {
    if (command.type === 'start') this.gate?.started(command.at)
  }

  dropped(): DroppedMessages {
    return this.gate?.dropped ?? { unsigned: 0, badSignature: 0, replayed: 0, invalid: 0 }
  }

  async close(): Promise<void> {}
}

const fields = (list: string[]): Entry =>
  Object.fromEntries(Array.from({ length: list.length / 2 }, (_, i) => [list[2 * i], list[2 * i + 1]]))

const config: ResolvedLoadConfig = { executor: 'constant-vus', vus: 2, duration: 60_000, gracefulStop: 1000 }

// Messages of the protocol's shape with hostile values: shards that are property names or out of
// range, seconds far in the future, huge or negative counts, bodies of the wrong type.
const hostileBody = fc.oneof(
  fc.anything(),
  fc.record({
    type: fc.constantFrom('second', 'done', 'failed', 'ready', 'heartbeat', 'constructor', '__proto__'),
    shard: fc.oneof(fc.constantFrom('length', '__proto__', -1, 2, 1e9, 0.5, Number.NaN), fc.integer()),
    t: fc.oneof(fc.constantFrom(1e15, Number.MAX_SAFE_INTEGER, -1, 2 ** 31), fc.nat()),
    ms: fc.double(),
    iterations: fc.oneof(fc.constant(1e300), fc.integer()),
    latency: fc.oneof(fc.constant('garbage'), fc.string()),
    metrics: fc.dictionary(fc.string(), fc.anything()),
  }),
)

// Each entry is made once the run id is known (the coordinator draws it).
const entry: fc.Arbitrary<(runId: string) => Entry> = fc.oneof(
  // Anything at all in the stream's fields.
  fc.dictionary(fc.constantFrom('m', 'run', 'from', 'seq', 'sig', 'x'), fc.string()).map((f) => () => f),
  // Not JSON, or JSON, unsigned or signed with a wrong key.
  fc
    .record({
      m: fc.oneof(fc.string(), fc.json()),
      from: fc.constantFrom('0', '1'),
      seq: fc.constantFrom('1', '2', '0', '-1', '1e3'),
      sig: fc.string(),
    })
    .map((f) => (runId: string) => ({ ...f, run: runId })),
  // Signed with the right key: the body is what must be refused.
  fc.tuple(fc.constantFrom('0', '1', 'length', '7'), hostileBody, fc.nat(50)).map(([from, body, skip]) => (runId: string) => {
    const s = new Signer(KEY, 'event', from)
    for (let i = 0; i < skip; i++) s.sign(runId, null)
    return fields(s.sign(runId, body === undefined ? null : body))
  }),
)

describe("the coordinator's message handling under random and hostile messages", () => {
  it('never throws or hangs, and counts every message it drops', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 60 }), async (makers) => {
        const transport = new FuzzTransport((runId) => makers.map((make) => make(runId)))
        const generated = makers
        const started = Date.now()
        const result = await Promise.race([
          runSharded({ config, subMetrics: [], module: { href: '', export: 'default', data: null }, transport, extensions: [] }),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the coordinator hung')), 5000)),
        ])
        expect(Date.now() - started).toBeLessThan(5000)
        const d = result.droppedMessages as DroppedMessages
        // Every entry was either let through or counted (the honest ones are let through).
        expect(d.unsigned + d.badSignature + d.replayed + d.invalid + transport.accepted).toBe(generated.length + 2 * SHARDS)
        expect(result.shards?.every((s) => Number.isFinite(s.iterations))).toBe(true)
        expect(result.iterations).toBeGreaterThanOrEqual(20)
      }),
      { numRuns: 40 },
    )
  }, 60_000)

  it('drops the findings of the issue: garbage, shard "length", a second far in the future', () => {
    const gate = new EventGate(KEY, 'abc123', 2, 5)
    gate.started(Date.now())
    const s0 = new Signer(KEY, 'event', '0')
    const sl = new Signer(KEY, 'event', 'length')
    expect(gate.accept({ m: '{not json', run: 'abc123', from: '0', seq: '1', sig: 'x' })).toBeUndefined()
    expect(gate.accept(fields(s0.sign('abc123', 'garbage')))).toBeUndefined()
    expect(gate.accept(fields(sl.sign('abc123', { type: 'heartbeat', shard: 'length' })))).toBeUndefined()
    expect(gate.accept(fields(s0.sign('abc123', { ...second(0, 0, 1), t: 1e12 })))).toBeUndefined()
    const ok = s0.sign('abc123', second(0, 0, 1))
    expect(gate.accept(fields(ok))).toMatchObject({ type: 'second', shard: 0 })
    expect(gate.accept(fields(ok))).toBeUndefined()
    expect(gate.dropped).toEqual({ unsigned: 0, badSignature: 1, replayed: 1, invalid: 3 })
  })

  it('the merger ignores a second far ahead and jumps over gaps instead of stepping through them', () => {
    const recorder = new Recorder(0)
    const merger = new SecondMerger(recorder, 1)
    const started = Date.now()
    merger.add(second(0, 1e12, 1))
    merger.add(second(0, 0, 5))
    merger.add(second(0, 3000, 7))
    merger.end(0)
    expect(Date.now() - started).toBeLessThan(200)
    expect(recorder.timeline.map((p) => p.iterations)).toEqual([5, 7])
  })
})
