import { Stage, type Chunk, type ConnectionControl, type Sink } from './toxic-stage.ts'
import type { ToxicSpec, ToxicType } from './toxic-options.ts'

type Attributes<T extends ToxicType> = ToxicSpec<T>['attributes']

/** Passes each chunk on `latency ± jitter` ms after it arrived, in order. */
class LatencyStage extends Stage {
  private readonly attributes: Attributes<'latency'>
  private due: number | undefined

  constructor(next: Sink, control: ConnectionControl, attributes: Attributes<'latency'>) {
    super(next, control)
    this.attributes = attributes
  }

  protected step(head: Chunk | null): number {
    if (head === null) return this.pass(head)
    const { latency, jitter } = this.attributes
    this.due ??= head.at + Math.max(0, latency + (jitter > 0 ? (Math.random() * 2 - 1) * jitter : 0))
    const wait = this.due - performance.now()
    if (wait > 0) return wait
    // Later toxics count from here, so two latency toxics add up as in Toxiproxy.
    head.at = this.due
    this.due = undefined
    return this.pass(head)
  }

  private pass(head: Chunk | null): number {
    this.take()
    if (head === null) this.next.end()
    else this.next.write(head)
    return 0
  }
}

/** Lets `rate` KB/s through, in pieces of at most 100 ms worth, each sent when its time is up. */
class BandwidthStage extends Stage {
  private readonly bytesPerMs: number
  private free = 0
  private due: number | undefined

  constructor(next: Sink, control: ConnectionControl, attributes: Attributes<'bandwidth'>) {
    super(next, control)
    this.bytesPerMs = attributes.rate
  }

  protected step(head: Chunk | null): number {
    if (head === null) {
      this.take()
      this.next.end()
      return 0
    }
    const size = Math.min(head.data.length, Math.max(1, Math.floor(this.bytesPerMs * 100)))
    const now = performance.now()
    // Counting from the previous piece's due time absorbs timer lateness instead of adding it up.
    this.due ??= Math.max(now, this.free) + size / this.bytesPerMs
    const wait = this.due - now
    if (wait > 0) return wait
    this.free = this.due
    this.due = undefined
    if (size === head.data.length) {
      this.take()
      this.next.write(head)
    } else {
      this.keep({ data: head.data.subarray(size), at: head.at })
      this.next.write({ data: head.data.subarray(0, size), at: head.at })
    }
    return 0
  }
}

/** Cuts chunks into pieces of average_size ± size_variation bytes, `delay` µs apart. */
class SlicerStage extends Stage {
  private readonly attributes: Attributes<'slicer'>

  constructor(next: Sink, control: ConnectionControl, attributes: Attributes<'slicer'>) {
    super(next, control)
    this.attributes = attributes
  }

  protected step(head: Chunk | null): number {
    if (head === null) {
      this.take()
      this.next.end()
      return 0
    }
    const { average_size: average, size_variation: variation, delay } = this.attributes
    const size = Math.max(1, average + Math.round((Math.random() * 2 - 1) * variation))
    if (size < head.data.length) {
      this.keep({ data: head.data.subarray(size), at: head.at })
      this.next.write({ data: head.data.subarray(0, size), at: head.at })
    } else {
      this.take()
      this.next.write(head)
    }
    return delay / 1000
  }
}

/**
 * A toxic that ends its stream on its own (timeout, limit_data): the end travels through the
 * toxics after it, then the connection closes, as Toxiproxy closes a link.
 */
abstract class CuttingStage extends Stage {
  protected finished = false
  protected lost = 0

  protected cut(): void {
    if (this.finished) return
    this.finished = true
    this.control.closeAtEnd()
    this.next.end()
  }

  protected drop(head: Chunk | null): number {
    this.take()
    if (head !== null) {
      this.lost += head.data.length
      this.control.dropped(head.data.length)
    }
    return 0
  }
}

/** Drops everything; closes the connection after `timeout` ms (never when 0). */
class TimeoutStage extends CuttingStage {
  private readonly deadline: NodeJS.Timeout | undefined

  constructor(next: Sink, control: ConnectionControl, attributes: Attributes<'timeout'>) {
    super(next, control)
    if (attributes.timeout > 0) this.deadline = setTimeout(() => this.cut(), attributes.timeout)
  }

  protected step(head: Chunk | null): number {
    if (head === null && !this.finished) {
      this.take()
      this.finished = true
      this.next.end()
      return 0
    }
    return this.drop(head)
  }

  override removed(): void {
    clearTimeout(this.deadline)
    // Dropped bytes leave the protocol stream corrupt: the connection cannot go on.
    if (this.lost > 0) this.cut()
    super.removed()
  }

  override dispose(): void {
    clearTimeout(this.deadline)
    super.dispose()
  }
}

/** Closes the connection once `bytes` bytes have passed. */
class LimitDataStage extends CuttingStage {
  private readonly limit: number
  private passed = 0

  constructor(next: Sink, control: ConnectionControl, attributes: Attributes<'limit_data'>) {
    super(next, control)
    this.limit = attributes.bytes
  }

  protected step(head: Chunk | null): number {
    if (this.finished) return this.drop(head)
    this.take()
    if (head === null) {
      this.finished = true
      this.next.end()
      return 0
    }
    const left = this.limit - this.passed
    if (head.data.length <= left) {
      this.passed += head.data.length
      this.next.write(head)
    } else {
      this.passed = this.limit
      this.control.dropped(head.data.length - left)
      if (left > 0) this.next.write({ data: head.data.subarray(0, left), at: head.at })
    }
    if (this.passed >= this.limit) this.cut()
    return 0
  }
}

/** On the next data (or end), waits `timeout` ms and resets the connection; drops the data. */
class ResetPeerStage extends Stage {
  private readonly timeout: number
  private pending: NodeJS.Timeout | undefined
  private armed = false

  constructor(next: Sink, control: ConnectionControl, attributes: Attributes<'reset_peer'>) {
    super(next, control)
    this.timeout = attributes.timeout
  }

  protected step(head: Chunk | null): number {
    this.take()
    if (head !== null) this.control.dropped(head.data.length)
    if (!this.armed) {
      this.armed = true
      if (this.timeout > 0) this.pending = setTimeout(() => this.control.reset(), this.timeout)
      else this.control.reset()
    }
    return 0
  }

  override removed(): void {
    // Data was dropped already: going on would corrupt the stream, so the reset happens now.
    if (this.armed && this.pending !== undefined) {
      clearTimeout(this.pending)
      this.control.reset()
    }
    super.removed()
  }

  override dispose(): void {
    clearTimeout(this.pending)
    super.dispose()
  }
}

/** Passes data at once but holds the end (FIN) back for `delay` ms. */
class SlowCloseStage extends Stage {
  private readonly delay: number
  private due: number | undefined

  constructor(next: Sink, control: ConnectionControl, attributes: Attributes<'slow_close'>) {
    super(next, control)
    this.delay = attributes.delay
  }

  protected step(head: Chunk | null): number {
    if (head !== null) {
      this.take()
      this.next.write(head)
      return 0
    }
    this.due ??= performance.now() + this.delay
    const wait = this.due - performance.now()
    if (wait > 0) return wait
    this.take()
    this.next.end()
    return 0
  }
}

/** The stage that applies a (validated, non-`down`) toxic on one direction of one connection. */
export function createStage(spec: ToxicSpec, next: Sink, control: ConnectionControl): Stage {
  switch (spec.type) {
    case 'latency':
      return new LatencyStage(next, control, (spec as ToxicSpec<'latency'>).attributes)
    case 'bandwidth':
      return new BandwidthStage(next, control, (spec as ToxicSpec<'bandwidth'>).attributes)
    case 'slicer':
      return new SlicerStage(next, control, (spec as ToxicSpec<'slicer'>).attributes)
    case 'timeout':
      return new TimeoutStage(next, control, (spec as ToxicSpec<'timeout'>).attributes)
    case 'limit_data':
      return new LimitDataStage(next, control, (spec as ToxicSpec<'limit_data'>).attributes)
    case 'reset_peer':
      return new ResetPeerStage(next, control, (spec as ToxicSpec<'reset_peer'>).attributes)
    case 'slow_close':
      return new SlowCloseStage(next, control, (spec as ToxicSpec<'slow_close'>).attributes)
    case 'down':
      throw new Error('down is a state of the proxy, not a stage')
  }
}
