import type { Socket } from 'node:net'
import type { Chunk, ConnectionControl, Sink, Stage } from './toxic-stage.ts'
import type { ToxicSpec, ToxicStream } from './toxic-options.ts'
import { createStage } from './toxics.ts'

// Toxics hold data in memory (latency, bandwidth): past this much, reading from the source pauses.
const HIGH_WATER = 1 << 20

/** What a link asks of the connection it belongs to. */
export interface LinkOwner {
  /** A toxic ended this link's stream and the end reached the destination: close the connection. */
  cut(link: Link): void
  reset(): void
}

interface Slot {
  name: string
  /** null when the toxicity draw left this connection alone. */
  stage: Stage | null
}

/**
 * One direction of one proxied connection: source socket → toxics in the order they were added
 * → destination socket. Without toxics, chunks go straight to the destination with the same
 * backpressure as pipe(); with toxics, each chunk travels through their stages.
 */
export class Link implements Sink {
  readonly stream: ToxicStream
  readonly src: Socket
  readonly dst: Socket
  /** Bytes delivered to the destination. */
  bytes = 0
  private readonly owner: LinkOwner
  private readonly slots: Slot[] = []
  private head: Sink = this
  private readonly control: ConnectionControl
  private buffered = 0
  private blocked = false
  private paused = false
  private cutting = false
  private disposed = false

  constructor(stream: ToxicStream, src: Socket, dst: Socket, owner: LinkOwner) {
    this.stream = stream
    this.src = src
    this.dst = dst
    this.owner = owner
    this.control = {
      closeAtEnd: () => {
        this.cutting = true
      },
      reset: () => owner.reset(),
      dropped: (bytes) => {
        this.buffered -= bytes
        this.flow()
      },
    }
    src.on('data', this.onData)
    src.on('end', this.onEnd)
    dst.on('drain', this.onDrain)
  }

  private readonly onData = (data: Buffer): void => {
    if (this.cutting) return
    if (this.head !== this) {
      this.buffered += data.length
      this.head.write({ data, at: performance.now() })
      this.flow()
      return
    }
    if (this.dst.destroyed) return
    this.bytes += data.length
    if (!this.dst.write(data)) {
      this.blocked = true
      this.flow()
    }
  }

  private readonly onEnd = (): void => {
    if (!this.cutting) this.head.end()
  }

  private readonly onDrain = (): void => {
    this.blocked = false
    this.flow()
  }

  /** Sink side: what leaves the last toxic. */
  write(chunk: Chunk): void {
    this.buffered -= chunk.data.length
    if (!this.dst.destroyed) {
      this.bytes += chunk.data.length
      if (!this.dst.write(chunk.data)) this.blocked = true
    }
    this.flow()
  }

  end(): void {
    if (this.cutting) this.owner.cut(this)
    else if (!this.dst.destroyed) this.dst.end()
  }

  /** Appends a toxic; `applies` is this connection's toxicity draw. */
  add(spec: ToxicSpec, applies: boolean): void {
    // A closed connection gets no new stages: their timers would outlive it.
    const stage = applies && !this.disposed ? createStage(spec, this, this.control) : null
    if (stage !== null) {
      const last = this.stageBefore(this.slots.length)
      if (last) last.next = stage
      else this.head = stage
    }
    this.slots.push({ name: spec.name, stage })
  }

  /** Removes a toxic: what it holds goes on in order, then the chain closes over the gap. */
  remove(name: string): void {
    const index = this.slots.findIndex((s) => s.name === name)
    if (index < 0) return
    const { stage } = this.slots[index]
    const before = this.stageBefore(index)
    this.slots.splice(index, 1)
    if (stage === null) return
    stage.removed()
    if (before) before.next = stage.next
    else this.head = stage.next
  }

  /** The connection is gone: stop every toxic's timers and drop what they hold. */
  dispose(): void {
    this.cutting = true
    this.disposed = true
    for (const slot of this.slots) slot.stage?.dispose()
  }

  private stageBefore(index: number): Stage | undefined {
    for (let i = index - 1; i >= 0; i--) {
      const stage = this.slots[i].stage
      if (stage !== null) return stage
    }
    return undefined
  }

  private flow(): void {
    const stop = this.blocked || this.buffered > HIGH_WATER
    if (stop === this.paused || this.src.destroyed) return
    this.paused = stop
    if (stop) this.src.pause()
    else this.src.resume()
  }
}
