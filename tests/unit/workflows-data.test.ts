import { describe, expect, it } from 'vitest'
import { dpBatch, dpParameters, parseBatch, parseCsv, toCsvLine } from '../../src/workflows/data-processing.ts'
import { resolveOptions } from '../../src/workflows/options.ts'
import { hashParts, prng } from '../../src/core/random.ts'
import { bulkInsert, createTable, dayString, numberPlaceholders, timestampString, upsertClause } from '../../src/workflows/sql-dialect.ts'
import { trFilter, trParameters, trRecords } from '../../src/workflows/transformation.ts'
import { workflows } from '../../src/workflows/workflows.ts'

const target = { postgres: { url: 'postgres://app@127.0.0.1:1/shop' } }

describe('prng', () => {
  it('repeats a sequence for the same parts and not for others', () => {
    const seq = (...parts: (string | number)[]) =>
      Array.from(
        { length: 5 },
        (
          (r) => () =>
            r.next()
        )(prng(...parts)),
      )
    expect(seq(42, 'a', 0)).toEqual(seq(42, 'a', 0))
    expect(seq(42, 'a', 0)).not.toEqual(seq(42, 'a', 1))
    expect(seq(42, 'a', 0)).not.toEqual(seq(43, 'a', 0))
    expect(hashParts(['a', 'bc'])).not.toBe(hashParts(['ab', 'c']))
  })

  it('stays in range and spreads over it', () => {
    const r = prng(1)
    const ints = Array.from({ length: 10_000 }, () => r.int(1, 6))
    expect(Math.min(...ints)).toBe(1)
    expect(Math.max(...ints)).toBe(6)
    const mean = ints.reduce((a, b) => a + b, 0) / ints.length
    expect(mean).toBeGreaterThan(3.4)
    expect(mean).toBeLessThan(3.6)
    const picks = Array.from({ length: 10_000 }, () => r.weighted([1, 0, 3]))
    expect(picks.filter((i) => i === 1)).toHaveLength(0)
    expect(picks.filter((i) => i === 2).length / picks.length).toBeCloseTo(0.75, 1)
    expect(new Set(r.sample([1, 2, 3, 4, 5], 5))).toEqual(new Set([1, 2, 3, 4, 5]))
  })
})

describe('CSV', () => {
  it.each([
    [['a', 'b'], 'a,b'],
    [['x, y', 'q"uote', 3], '"x, y","q""uote",3'],
    [['line\nbreak', ''], '"line\nbreak",'],
  ])('%j ⇄ %s', (fields, line) => {
    expect(toCsvLine(fields)).toBe(line)
    expect(parseCsv(line)).toEqual([fields.map(String)])
  })

  it('splits rows on \\n and \\r\\n and ignores a trailing line break', () => {
    expect(parseCsv('a,b\r\nc,d\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ])
  })
})

describe('data-processing batches', () => {
  const o = resolveOptions({ kind: 'data-processing', target, rows: 2000, invalidRate: 0.1, seed: 9 })
  const p = dpParameters(o)

  it('break about invalidRate of the rows, and parsing finds the malformed ones', () => {
    const batch = dpBatch(o, p, 0)
    expect(batch.invalid / batch.rows).toBeGreaterThan(0.07)
    expect(batch.invalid / batch.rows).toBeLessThan(0.13)
    const rows = parseBatch(batch.csv)
    expect(rows).toHaveLength(2000)
    const malformed = rows.filter((r) => r.error === 'malformed')
    expect(malformed.length).toBeGreaterThan(0)
    expect(malformed.length).toBeLessThan(batch.invalid)
    expect(rows.filter((r) => r.error === null).every((r) => typeof r.line === 'number' && r.eventTime !== null)).toBe(true)
  })

  it('quotes notes with commas so parsing keeps the six fields', () => {
    const rows = parseBatch(dpBatch(o, p, 1).csv)
    expect(rows.some((r) => r.note.includes(', "x"'))).toBe(true)
  })

  it('has no invalid rows when invalidRate is 0', () => {
    const clean = resolveOptions({ kind: 'data-processing', target, invalidRate: 0 })
    expect(dpBatch(clean, dpParameters(clean), 3).invalid).toBe(0)
  })
})

describe('transformation records', () => {
  const o = resolveOptions({ kind: 'transformation', target, rows: 5000, seed: 4 })
  const p = trParameters(o)

  it('filters by kind and score and weights the rest', () => {
    const records = trRecords(o, p, 0)
    const kept = trFilter(p, records)
    expect(kept.length).toBeGreaterThan(records.length * 0.4)
    expect(kept.length).toBeLessThan(records.length * 0.7)
    for (const k of kept) {
      expect(Object.keys(p.kinds)).toContain(k.kind)
      expect(k.score).toBeGreaterThanOrEqual(p.minScore)
      expect(k.value).toBeCloseTo(k.score * k.weight * p.kinds[k.kind], 2)
    }
  })

  it('makes the first groups hot', () => {
    const records = trRecords(o, p, 1)
    const count = (g: string) => records.filter((r) => r.grp === g).length
    expect(count('grp-001')).toBeGreaterThan(count('grp-010'))
  })
})

describe('SQL dialects', () => {
  it('numbers placeholders outside quotes', () => {
    expect(numberPlaceholders("select ? , '?' , ?")).toBe("select $1 , '?' , $2")
  })

  it('creates tables with inline indexes for MySQL and separate ones for PostgreSQL', () => {
    const t = {
      name: 't',
      columns: [
        ['id', 'id'],
        ['at', 'ts', 'not null'],
        ['body', 'clob'],
      ] as never,
      indexes: [['at']],
    }
    expect(createTable('postgres', t)).toEqual([
      'create table if not exists t (id serial primary key, at timestamp not null, body text)',
      'create index if not exists t_at_idx on t (at)',
    ])
    expect(createTable('mysql', t)).toEqual([
      'create table if not exists t (id int auto_increment primary key, at datetime not null, body mediumtext, key t_at_idx (at))',
    ])
  })

  it('upserts with each dialect’s clause', () => {
    expect(upsertClause('postgres', 't', ['k'], ['n'], ['s'])).toBe(' on conflict (k) do update set n = t.n + excluded.n, s = excluded.s')
    expect(upsertClause('mysql', 't', ['k'], ['n'], ['s'])).toBe(' on duplicate key update n = n + values(n), s = values(s)')
  })

  it('bulk-inserts through unnest arrays (PostgreSQL) or a values list (MySQL)', () => {
    const cols = [
      { name: 'a', pg: 'int' },
      { name: 'b', pg: 'text' },
    ] as const
    const rows = [
      [1, 'x'],
      [2, null],
    ]
    expect(bulkInsert('postgres', 't', [...cols], rows)).toEqual({
      sql: 'insert into t (a, b) select * from unnest(?::int[], ?::text[])',
      params: [
        [1, 2],
        ['x', null],
      ],
    })
    expect(bulkInsert('mysql', 't', [...cols], rows)).toEqual({
      sql: 'insert into t (a, b) values (?, ?), (?, ?)',
      params: [1, 'x', 2, null],
    })
  })

  it('dates from a fixed origin', () => {
    expect(dayString(0)).toBe('2024-01-01')
    expect(dayString(31)).toBe('2024-02-01')
    expect(timestampString(86_400 + 61)).toBe('2024-01-02 00:01:01')
  })
})

describe('workflows.mix()', () => {
  it('picks by a seeded draw on the iteration, in proportion to the weights', async () => {
    const a = await workflows.generate({ kind: 'analytics', target })
    const b = await workflows.generate({ kind: 'transformation', target })
    const m = workflows.mix([a, b], { weights: [3, 1], seed: 5 })
    const picks = Array.from({ length: 4000 }, (_, i) => m.pick(i))
    expect(picks).toEqual(Array.from({ length: 4000 }, (_, i) => workflows.mix([a, b], { weights: [3, 1], seed: 5 }).pick(i)))
    expect(picks.filter((i) => i === 0).length / picks.length).toBeCloseTo(0.75, 1)
    expect(m.steps).toEqual([...a.steps, ...b.steps])
    expect(m.describe().map((d) => d.kind)).toEqual(['analytics', 'transformation'])
    await m.teardown()
  })
})
