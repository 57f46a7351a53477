import { describe, expect, it } from 'vitest'
import { TurnBook, turnPosition } from '../../src/ab/turn-book.ts'
import type { Side } from '../../src/ab/wire.ts'
import type { RepetitionSummary } from '../../src/core/result.ts'

const summary = {} as RepetitionSummary

/** One side going through its tests and runs as a Vitest process would; returns when done. */
async function side(book: TurnBook, who: Side, plan: Array<[test: string, reps: number[]]>, log: string[]): Promise<void> {
  const runs = new Map<string, number>()
  let test: string | undefined
  for (const [name, repsPerRun] of plan) {
    if (name !== test) {
      if (test) book.leave({ side: who, test })
      test = name
      book.enter({ side: who, test })
    }
    for (const reps of [repsPerRun].flat()) {
      const run = runs.get(name) ?? 0
      runs.set(name, run + 1)
      for (let repetition = 0; repetition < reps; repetition++) {
        const answer = await book.turn({ side: who, test: name, run, repetition }, 2000)
        if (!answer.granted) throw new Error(`${who} not granted ${name} #${run} r${repetition}: ${answer.waitingFor}`)
        log.push(`${who === 'base' ? 'A' : 'B'}${repetition}${run ? `#${run}` : ''} ${name}`)
        await new Promise((r) => setTimeout(r, 1))
        book.done({ side: who, test: name, run, repetition, executor: 'constant-vus', summary })
      }
      book.end({ side: who, test: name, run })
    }
  }
  if (test) book.leave({ side: who, test })
  book.finish(who)
}

describe('TurnBook', () => {
  it('places repetitions ABBA: A0 B0 B1 A1 A2 B2 B3 A3', () => {
    expect([0, 1, 2, 3].flatMap((r) => [`A${r}@${turnPosition('base', r)}`, `B${r}@${turnPosition('head', r)}`])).toEqual([
      'A0@0',
      'B0@1',
      'A1@3',
      'B1@2',
      'A2@4',
      'B2@5',
      'A3@7',
      'B3@6',
    ])
  })

  it('alternates the two processes run by run, ABBA, whoever asks first', async () => {
    const book = new TurnBook({ base: ['a', 'b'], head: ['a', 'b'] })
    const log: string[] = []
    await Promise.all([
      side(
        book,
        'head',
        [
          ['a', [4]],
          ['b', [2]],
        ],
        log,
      ),
      side(
        book,
        'base',
        [
          ['a', [4]],
          ['b', [2]],
        ],
        log,
      ),
    ])
    expect(log).toEqual(['A0 a', 'B0 a', 'B1 a', 'A1 a', 'A2 a', 'B2 a', 'B3 a', 'A3 a', 'A0 b', 'B0 b', 'B1 b', 'A1 b'])
    expect(book.runs.get('a #0')!.done.base).toHaveLength(4)
  })

  it('lets a test of one side only through at once, but never two repetitions at a time', async () => {
    const book = new TurnBook({ base: ['old', 'both'], head: ['both', 'new'] })
    const log: string[] = []
    await Promise.all([
      side(
        book,
        'base',
        [
          ['old', [2]],
          ['both', [2]],
        ],
        log,
      ),
      side(
        book,
        'head',
        [
          ['both', [2]],
          ['new', [2]],
        ],
        log,
      ),
    ])
    expect(log.filter((l) => l.endsWith(' both'))).toEqual(['A0 both', 'B0 both', 'B1 both', 'A1 both'])
    expect(log.filter((l) => l.endsWith(' new'))).toEqual(['B0 new', 'B1 new'])
    expect(log.filter((l) => l.endsWith(' old'))).toEqual(['A0 old', 'A1 old'])
  })

  it('does not deadlock on an extra run or extra repetitions on one side', async () => {
    const book = new TurnBook({ base: ['t', 'u'], head: ['t', 'u'] })
    const log: string[] = []
    await Promise.all([
      side(
        book,
        'base',
        [
          ['t', [3]],
          ['u', [2]],
        ],
        log,
      ),
      side(
        book,
        'head',
        [
          ['t', [2, 2]],
          ['u', [2]],
        ],
        log,
      ),
    ])
    expect(log.filter((l) => l.endsWith(' t'))).toEqual(['A0 t', 'B0 t', 'B1 t', 'A1 t', 'A2 t', 'B0#1 t', 'B1#1 t'])
  })

  it('lets a side go when the other finished, or skipped the test it waits in', async () => {
    const book = new TurnBook({ base: ['t', 'u'], head: ['t', 'u'] })
    const waiting = book.turn({ side: 'head', test: 't', run: 0, repetition: 0 }, 2000)
    book.enter({ side: 'base', test: 'u' })
    await expect(waiting).resolves.toEqual({ granted: true })
    book.end({ side: 'head', test: 't', run: 0 })
    const other = new TurnBook({ base: ['t'], head: ['t'] })
    const held = other.turn({ side: 'head', test: 't', run: 0, repetition: 0 }, 2000)
    other.finish('base')
    await expect(held).resolves.toEqual({ granted: true })
  })

  it('answers "not yet" with what it waits for when the wait runs out', async () => {
    const book = new TurnBook({ base: ['t'], head: ['t'] })
    await expect(book.turn({ side: 'head', test: 't', run: 0, repetition: 0 }, 20)).resolves.toEqual({
      granted: false,
      waitingFor: `the base side's turn before repetition 0 of "t #0"`,
    })
  })
})
