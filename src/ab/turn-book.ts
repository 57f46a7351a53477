import type { RepetitionDone } from '../run/turns.ts'
import { otherSide, type DoneRequest, type RunRef, type Side, type TestRequest, type TurnAnswer, type TurnRequest } from './wire.ts'

/** Everything one run measured, on each side, by repetition index. */
export interface RunRecord {
  test: string
  run: number
  done: Record<Side, RepetitionDone[]>
}

const runKey = (test: string, run: number) => `${test} #${run}`
const both = <T>(make: () => T): Record<Side, T> => ({ base: make(), head: make() })

/** Who goes first in pair `repetition`: ABBA, so A0 B0 B1 A1 A2 B2 B3 A3 … */
export function firstOfPair(repetition: number): Side {
  return repetition % 2 === 0 ? 'base' : 'head'
}

/** Where repetition `repetition` of `side` falls in a run's turn order. */
export function turnPosition(side: Side, repetition: number): number {
  return 2 * repetition + (firstOfPair(repetition) === side ? 0 : 1)
}

/**
 * The turn-taking of vitest-perf ab. One repetition measures at a time, whichever side. For a test
 * both sides have, the repetitions of each run alternate ABBA; a side is let through at once when
 * its test or run is its own, or when the other side cannot come any more: it finished, left the
 * test, moved to a later test of its list, or ended that run.
 */
export class TurnBook {
  readonly runs = new Map<string, RunRecord>()
  private readonly order: Record<Side, Map<string, number>>
  private readonly at = both(() => -1)
  private readonly left = both(() => new Set<string>())
  private readonly ended = both(() => new Set<string>())
  private readonly finished = both(() => false)
  private readonly counts = new Map<string, number>()
  private readonly waiters = new Set<() => void>()
  private holder: TurnRequest | undefined

  constructor(lists: Record<Side, string[]>) {
    this.order = { base: new Map(lists.base.map((t, i) => [t, i])), head: new Map(lists.head.map((t, i) => [t, i])) }
  }

  paired(test: string): boolean {
    return this.order.base.has(test) && this.order.head.has(test)
  }

  /** Asks for a turn: granted now, or once the book allows it, or `{ granted: false }` after waitMs (ask again). */
  turn(request: TurnRequest, waitMs: number): Promise<TurnAnswer> {
    const first = this.tryGrant(request)
    if (first.granted || waitMs <= 0) return Promise.resolve(first)
    return new Promise((resolve) => {
      const check = () => {
        const answer = this.tryGrant(request)
        if (!answer.granted) return
        this.waiters.delete(check)
        clearTimeout(timer)
        resolve(answer)
      }
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        resolve(this.tryGrant(request))
      }, waitMs)
      this.waiters.add(check)
    })
  }

  done(request: DoneRequest): void {
    const key = runKey(request.test, request.run)
    const record = this.runs.get(key) ?? { test: request.test, run: request.run, done: both((): RepetitionDone[] => []) }
    record.done[request.side][request.repetition] = { executor: request.executor, name: request.name, summary: request.summary }
    this.runs.set(key, record)
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
    this.release(request.side)
  }

  end(ref: RunRef): void {
    this.ended[ref.side].add(runKey(ref.test, ref.run))
    // A repetition that threw never said it was done.
    if (this.holder?.side === ref.side && this.holder.test === ref.test && this.holder.run === ref.run) this.release(ref.side)
    else this.changed()
  }

  enter({ side, test }: TestRequest): void {
    this.at[side] = this.order[side].get(test) ?? this.at[side]
    this.changed()
  }

  leave({ side, test }: TestRequest): void {
    this.left[side].add(test)
    this.release(side)
  }

  /** The side's Vitest exited: it holds nothing and nobody waits for it. */
  finish(side: Side): void {
    this.finished[side] = true
    this.release(side)
  }

  private release(side: Side): void {
    if (this.holder?.side === side) this.holder = undefined
    this.changed()
  }

  private changed(): void {
    for (const check of [...this.waiters]) check()
  }

  private gone(side: Side, test: string, run: number): boolean {
    const index = this.order[side].get(test)
    return (
      this.finished[side] ||
      this.left[side].has(test) ||
      this.ended[side].has(runKey(test, run)) ||
      (index !== undefined && this.at[side] > index)
    )
  }

  private tryGrant(request: TurnRequest): TurnAnswer {
    if (this.holder) {
      const h = this.holder
      return { granted: false, waitingFor: `the ${h.side} side measuring repetition ${h.repetition} of "${runKey(h.test, h.run)}"` }
    }
    const partner = otherSide(request.side)
    const key = runKey(request.test, request.run)
    const position = turnPosition(request.side, request.repetition)
    if (!this.paired(request.test) || this.gone(partner, request.test, request.run) || (this.counts.get(key) ?? 0) === position) {
      this.holder = request
      return { granted: true }
    }
    return { granted: false, waitingFor: `the ${partner} side's turn before repetition ${request.repetition} of "${key}"` }
  }
}
