/** One second of resource use, sampled during a run. Plain data, part of RunResult.resources. */
export interface ResourceSample {
  /** Seconds since the start of the run. */
  t: number
  /** CPU of the test process over the interval, % of one core. */
  cpu: number
  rss: number
  heapUsed: number
  /** Heap used right after the last major garbage collection in the interval, when one happened. */
  heapAfterGc?: number
  /**
   * Heap used by JavaScript objects: heapUsed without the JIT's code and bytecode (V8's code and
   * trusted spaces), which grow for minutes as functions get compiled. The heap the leak check judges.
   */
  heapObjects?: number
  /** heapObjects right after the last major garbage collection in the interval, when one happened. */
  heapObjectsAfterGc?: number
  /** Memory of C++ objects bound to JavaScript objects (`process.memoryUsage().external`), ArrayBuffers included. */
  external?: number
  /** Memory of ArrayBuffers, SharedArrayBuffers and Buffers (`process.memoryUsage().arrayBuffers`). */
  arrayBuffers?: number
  /**
   * Taken right after full garbage collections run by the monitor (the last sample of a run, and
   * every sample with `preciseHeap`): its heap, external and arrayBuffers are what was live.
   */
  afterFullGc?: boolean
  /** Event-loop delay over the interval, ms. */
  eventLoop: { p50: number; p99: number; max: number; utilization: number }
  /** Active handles and requests by type (TCPSocketWrap, Timeout, FSReqCallback, …). */
  handles: Record<string, number>
  /** Server processes and server-side statistics, by service. */
  servers?: Record<string, ServerSample>
}

export interface ServerSample {
  pid?: number
  containerId?: string
  /** % of one core. */
  cpu?: number
  rss?: number
  /** e.g. connections, active, locks (PostgreSQL); clients, used_memory (Redis); threads_connected (MySQL). */
  stats?: Record<string, number>
}

/** A database server the monitor should watch: its process and a way to query its statistics. */
export interface WatchedServer {
  service: string
  pid?: number
  /** Testcontainers: the container, whose stats come from the Docker API. */
  containerId?: string
  url?: string
}
