import type { Redis } from 'ioredis'
import { PerfError } from '../core/errors.ts'

/**
 * Watches a driver's Redis connection: logs each change of state once (lost, back), never every
 * failed reconnect, and says when the driver should give up.
 */
export class RedisHealth {
  /** Called when Redis answers again after being lost (the driver registers again). */
  onRestored: (() => void) | undefined
  private lostSince: number | undefined
  private ready = false
  /** The last connection error's message ('' when none): WRONGPASS, ECONNREFUSED, a TLS error… */
  lastError = ''
  private readonly redis: Redis
  private readonly who: string
  private readonly where: string
  private readonly log: (line: string) => void
  private readonly onReady = () => {
    if (this.lostSince !== undefined) {
      this.log(`${this.who}: Redis at ${this.where} is back after ${((Date.now() - this.lostSince) / 1000).toFixed(1)}s; registering again`)
      this.lostSince = undefined
      this.onRestored?.()
    }
    this.ready = true
  }
  private readonly onDown = () => {
    if (!this.ready || this.lostSince !== undefined) return
    this.lostSince = Date.now()
    this.log(`${this.who}: lost Redis at ${this.where}${this.lastError ? ` (${this.lastError})` : ''}; reconnecting with backoff`)
  }
  private readonly onError = (e: Error) => {
    this.lastError = e.message
  }

  constructor(redis: Redis, who: string, where: string, log: (line: string) => void) {
    this.redis = redis
    this.who = who
    this.where = where
    this.log = log
    redis.on('ready', this.onReady)
    redis.on('close', this.onDown)
    redis.on('reconnecting', this.onDown)
    redis.on('error', this.onError)
  }

  /** Throws PERF_DRIVER_REDIS_LOST once Redis has been unreachable longer than `ms`. */
  giveUpIfLost(ms: number): void {
    if (this.lostSince === undefined || Date.now() - this.lostSince < ms) return
    throw new PerfError(
      'PERF_DRIVER_REDIS_LOST',
      `${this.who} gave up: Redis at ${this.where} unreachable for ${((Date.now() - this.lostSince) / 1000).toFixed(0)}s${this.lastError ? ` (last error: ${this.lastError})` : ''}. Check that Redis runs and is reachable, or raise --give-up.`,
    )
  }

  close(): void {
    this.redis.off('ready', this.onReady)
    this.redis.off('close', this.onDown)
    this.redis.off('reconnecting', this.onDown)
    // An error handler stays: a client being closed must not crash the process with 'error'.
  }
}
