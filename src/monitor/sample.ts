/** One second of resource use, sampled during a run. Plain data, part of RunResult.resources. */
export interface ResourceSample {
  /** Seconds since the start of the run. */
  t: number
  /** CPU of the test process over the interval, % of one core. */
  cpu: number
  rss: number
  heapUsed: number
  /** Heap used right after the last garbage collection in the interval, when one happened. */
  heapAfterGc?: number
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
