import { createHmac, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { PerfError } from '../core/errors.ts'
import type { DroppedMessages } from '../core/result.ts'

/** The environment variable holding the key drivers and coordinators share. */
export const KEY_ENV = 'VITEST_PERF_DRIVER_KEY'
const MIN_KEY_LENGTH = 16

/** Where a message travels: a driver's inbox (specs), a run's control stream, its events stream. */
export type Channel = 'spec' | 'control' | 'event' | 'register'

/** The fields a signed stream entry carries beside its body `m`. */
export interface Envelope {
  m: string
  run: string
  from: string
  seq: string
  sig: string
}

/**
 * The shared key: `keyFile` (distributed.keyFile, --key-file) first, then VITEST_PERF_DRIVER_KEY.
 * Undefined when neither is set; a file that cannot be read or a key too short to resist guessing
 * is an error, never a silent fall back to no key.
 */
export function loadKey(keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  let text: string | undefined
  let where = KEY_ENV
  if (keyFile !== undefined) {
    where = keyFile
    try {
      text = readFileSync(keyFile, 'utf8')
    } catch (cause) {
      throw new PerfError(
        'PERF_DRIVER_KEY',
        `Cannot read the driver key file ${keyFile} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}). Write a random key into it, e.g. \`openssl rand -hex 32 > ${keyFile}\`, on the coordinator and on every driver.`,
        { cause },
      )
    }
  } else text = env[KEY_ENV]
  if (text === undefined || text === '') return undefined
  const key = text.trim()
  if (key.length < MIN_KEY_LENGTH) {
    throw new PerfError(
      'PERF_DRIVER_KEY',
      `The driver key from ${where} has ${key.length} characters; use at least ${MIN_KEY_LENGTH} random ones (\`openssl rand -hex 32\`).`,
    )
  }
  return Buffer.from(key, 'utf8')
}

/** True for a Redis URL whose host is the loopback interface (where running without a key is allowed). */
export function isLoopbackRedis(url: string): boolean {
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    return false
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}

/**
 * Refuses a non-loopback Redis without a key (anyone who can write to it could make the drivers
 * run code); on loopback, warns once and goes on unsigned.
 */
export function requireKey(key: Buffer | undefined, redis: string, who: string, warn: (line: string) => void): void {
  if (key !== undefined) return
  if (!isLoopbackRedis(redis)) {
    throw new PerfError(
      'PERF_DRIVER_KEY',
      `${who} refuses to use ${new URL(redis).host} without a key: whoever can write to that Redis could make the drivers run code. Set ${KEY_ENV} (or --key-file / distributed.keyFile) to the same random key on the coordinator and every driver (\`openssl rand -hex 32\`).`,
    )
  }
  warn(
    `vitest-perf: ${who} runs without a key (${KEY_ENV} unset); allowed only because Redis is on loopback. Set a key before using other machines.`,
  )
}

function mac(key: Buffer, channel: Channel, run: string, from: string, seq: number, body: string): Buffer {
  // Every part is length-prefixed, so no two different messages can sign the same bytes.
  const h = createHmac('sha256', key)
  for (const part of [channel, run, from, String(seq), body]) h.update(`${Buffer.byteLength(part)}:${part};`)
  return h.digest()
}

/** Signs outgoing messages of one sender on one channel, numbering them from 1. */
export class Signer {
  private seq = 0
  private readonly key: Buffer | undefined
  private readonly channel: Channel
  private readonly from: string

  constructor(key: Buffer | undefined, channel: Channel, from: string) {
    this.key = key
    this.channel = channel
    this.from = from
  }

  /** The stream entry's fields: body, run, sender, sequence number, HMAC (empty without a key). */
  sign(run: string, body: unknown): string[] {
    const m = JSON.stringify(body)
    const seq = ++this.seq
    const sig = this.key ? mac(this.key, this.channel, run, this.from, seq, m).toString('base64url') : ''
    return ['m', m, 'run', run, 'from', this.from, 'seq', String(seq), 'sig', sig]
  }
}

export type Verdict = { ok: true; body: string; run: string; from: string; seq: number } | { ok: false; why: keyof DroppedMessages }

/** An empty count of dropped messages. */
export function noDrops(): DroppedMessages {
  return { unsigned: 0, badSignature: 0, replayed: 0, invalid: 0 }
}

const MAX_BODY = 4 * 1024 * 1024

/**
 * Checks incoming stream entries of one channel and run: the HMAC (with a key), and that each
 * sender's sequence numbers only go up, so an entry copied back into the stream is dropped.
 * Every drop is counted by why.
 */
export class Verifier {
  readonly dropped: DroppedMessages = noDrops()
  private readonly last = new Map<string, number>()
  private readonly key: Buffer | undefined
  private readonly channel: Channel
  private readonly run: string | undefined

  /** `run` undefined (a driver's inbox): any run id, the caller checks it against the body. */
  constructor(key: Buffer | undefined, channel: Channel, run: string | undefined) {
    this.key = key
    this.channel = channel
    this.run = run
  }

  check(fields: Record<string, string | undefined>): Verdict {
    const verdict = this.judge(fields)
    if (!verdict.ok) this.dropped[verdict.why]++
    return verdict
  }

  /** Counts a message that passed the signature but not the schema or the bounds. */
  invalid(): void {
    this.dropped.invalid++
  }

  private judge(f: Record<string, string | undefined>): Verdict {
    const { m, run, from, seq, sig } = f
    if (typeof m !== 'string' || typeof from !== 'string' || typeof seq !== 'string' || m.length > MAX_BODY || from.length > 256) {
      return { ok: false, why: 'invalid' }
    }
    if (typeof run !== 'string' || run.length > 64 || (this.run !== undefined && run !== this.run)) return { ok: false, why: 'invalid' }
    const n = Number(seq)
    if (!/^[1-9]\d{0,15}$/.test(seq) || !Number.isSafeInteger(n)) return { ok: false, why: 'invalid' }
    if (this.key !== undefined) {
      if (typeof sig !== 'string' || sig === '') return { ok: false, why: 'unsigned' }
      const given = Buffer.from(sig, 'base64url')
      const expected = mac(this.key, this.channel, run, from, n, m)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'badSignature' }
    }
    if (n <= (this.last.get(from) ?? 0)) return { ok: false, why: 'replayed' }
    this.last.set(from, n)
    return { ok: true, body: m, run, from, seq: n }
  }
}

/** Adds the counts of `b` into `a`. */
export function addDrops(a: DroppedMessages, b: DroppedMessages): DroppedMessages {
  return {
    unsigned: a.unsigned + b.unsigned,
    badSignature: a.badSignature + b.badSignature,
    replayed: a.replayed + b.replayed,
    invalid: a.invalid + b.invalid,
  }
}

/** Total of a drop count. */
export function totalDrops(d: DroppedMessages): number {
  return d.unsigned + d.badSignature + d.replayed + d.invalid
}
