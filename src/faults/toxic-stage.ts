/** Bytes read from one socket, with the time they arrived (performance.now() ms). */
export interface Chunk {
  data: Buffer
  at: number
}

/** Where data goes next: another toxic or the destination socket. */
export interface Sink {
  write(chunk: Chunk): void
  end(): void
}

/** What a toxic may do to the connection it sits in. */
export interface ConnectionControl {
  /**
   * The toxic ends its stream (and then calls `next.end()`): once that end has gone through the
   * toxics after it, the connection closes (the peers see EOF). Data read after this is dropped.
   */
  closeAtEnd(): void
  /** Closes both sockets with a TCP RST (the peers see ECONNRESET). */
  reset(): void
  /** The toxic discarded this many bytes (they will never reach the sink). */
  dropped(bytes: number): void
}

/**
 * One toxic on one direction of one connection. Items (chunks, and `null` for EOF) pass in
 * order; `step()` works on the head and says how long to wait before it is called again, so
 * every toxic is a small state machine driven by one timer, never a promise per chunk.
 */
export abstract class Stage implements Sink {
  next: Sink
  protected readonly control: ConnectionControl
  private readonly queue: (Chunk | null)[] = []
  private timer: NodeJS.Timeout | undefined
  private immediate: NodeJS.Immediate | undefined
  private running = false
  protected disposed = false

  constructor(next: Sink, control: ConnectionControl) {
    this.next = next
    this.control = control
  }

  write(chunk: Chunk): void {
    this.queue.push(chunk)
    this.run()
  }

  end(): void {
    this.queue.push(null)
    this.run()
  }

  /**
   * Works on the head item: emit it (or part of it) through `this.next`, `take()` it when done.
   * Returns the ms to wait before the next call, 0 to go on at once.
   */
  protected abstract step(head: Chunk | null): number

  /** Drops the head item, done with it. */
  protected take(): void {
    this.queue.shift()
  }

  /** Replaces the head chunk by what is left of it. */
  protected keep(rest: Chunk): void {
    this.queue[0] = rest
  }

  /**
   * The toxic was removed: what it holds goes on at once, in order (as Toxiproxy does, no data
   * is lost). Toxics that dropped data override this to close the connection instead.
   */
  removed(): void {
    this.cancel()
    this.disposed = true
    for (const item of this.queue.splice(0)) {
      if (item === null) this.next.end()
      else this.next.write(item)
    }
  }

  /** The connection is gone: forget everything. */
  dispose(): void {
    this.cancel()
    this.disposed = true
    this.queue.length = 0
  }

  private cancel(): void {
    clearTimeout(this.timer)
    clearImmediate(this.immediate)
    this.timer = undefined
    this.immediate = undefined
  }

  private readonly resume = () => {
    this.timer = undefined
    this.immediate = undefined
    this.run()
  }

  private run(): void {
    if (this.running || this.timer !== undefined || this.immediate !== undefined) return
    this.running = true
    try {
      while (this.queue.length > 0 && !this.disposed) {
        const wait = this.step(this.queue[0])
        if (wait > 0) {
          // Timers have 1 ms granularity and may fire early: shorter waits go round the event loop.
          if (wait >= 1) this.timer = setTimeout(this.resume, wait)
          else this.immediate = setImmediate(this.resume)
          break
        }
      }
    } finally {
      this.running = false
    }
  }
}
