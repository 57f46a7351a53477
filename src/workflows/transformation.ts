import { checkFailed } from './errors.ts'
import type { ResolvedOptions } from './options.ts'
import { prng } from '../core/random.ts'
import { JOIN_DEPTH } from './profiles.ts'
import type { KindWorkflow, RunScope } from './workflow.ts'

/** Generate records → filter → write them → group → write in stages (rollup, lineage, tiers). */
export const TR_STAGES = ['rollup', 'lineage', 'tiers'] as const
export type TrStage = (typeof TR_STAGES)[number]

export const EVENT_KINDS = ['click', 'view', 'purchase', 'signup', 'share', 'search']

export interface TrParameters {
  /** Kinds the filter keeps, and the factor each kind's value is weighted with. */
  kinds: Record<string, number>
  minScore: number
  /** Relative frequency of each group: a few hot groups, a long tail. */
  groupWeights: number[]
  tiers: number
  topPerTier: number
}

export interface TrRecord {
  idx: number
  kind: string
  grp: string
  score: number | null
  weight: number
  payload: string
}

export interface TrKept extends TrRecord {
  score: number
  value: number
}

export interface TrGroup {
  grp: string
  n: number
  total: number
}

export interface TrBackend {
  tables: string[]
  schema: string[]
  statements: Record<string, string[]>
  setup(dims: { grp: string; label: string; tier: number }[]): Promise<void>
  start(s: RunScope, generated: number): Promise<number>
  writeItems(s: RunScope, runId: number, kept: TrKept[]): Promise<void>
  /** Groups the run's items on the server and returns the groups written. */
  group(s: RunScope, runId: number): Promise<TrGroup[]>
  rollup(s: RunScope, runId: number, groups: TrGroup[]): Promise<void>
  lineage(s: RunScope, runId: number, counts: { generated: number; kept: number; groups: number }): Promise<void>
  tiers(s: RunScope, runId: number): Promise<void>
  finish(s: RunScope, runId: number, kept: number, groups: number): Promise<void>
  counts(): Promise<Record<string, number>>
}

export const groupName = (i: number) => `grp-${String(i + 1).padStart(3, '0')}`

export function trParameters(o: ResolvedOptions): TrParameters {
  const r = prng(o.seed, 'tr-parameters')
  const kept = r.sample(EVENT_KINDS, 4)
  return {
    kinds: Object.fromEntries(kept.map((k) => [k, r.float(0.5, 3)])),
    minScore: r.float(0.1, 0.3, 3),
    groupWeights: Array.from({ length: o.sizes.categories }, (_, i) => 1 / (i + 1) ** r.float(0.6, 1.2)),
    tiers: 3,
    topPerTier: 3,
  }
}

export function trRecords(o: ResolvedOptions, p: TrParameters, iteration: number): TrRecord[] {
  const r = prng(o.seed, 'tr-records', iteration)
  return Array.from({ length: o.sizes.rows }, (_, idx) => ({
    idx,
    kind: r.pick(EVENT_KINDS),
    grp: groupName(r.weighted(p.groupWeights)),
    score: r.chance(o.sizes.invalidRate) ? null : r.float(0, 1, 3),
    weight: r.int(1, 100),
    payload: o.sizes.payloadBytes > 0 ? r.text(o.sizes.payloadBytes) : '',
  }))
}

/** Drops records of other kinds, below the score, or without one; weights the rest. */
export function trFilter(p: TrParameters, records: TrRecord[]): TrKept[] {
  const kept: TrKept[] = []
  for (const rec of records) {
    const factor = p.kinds[rec.kind]
    if (factor === undefined || rec.score === null || rec.score < p.minScore) continue
    kept.push({ ...rec, score: rec.score, value: Math.round(rec.score * rec.weight * factor * 1000) / 1000 })
  }
  return kept
}

export function transformation(o: ResolvedOptions, backend: TrBackend, p: TrParameters): KindWorkflow {
  const stages = TR_STAGES.slice(0, o.sizes.stages)
  const steps = ['generate', 'filter', 'write-items', 'group', ...stages.map((st) => `write-${st}`)]
  // The run's status is written by whichever stage comes last.
  const statements = structuredClone(backend.statements)
  statements[steps[steps.length - 1]].push(...(statements.finish ?? []))
  delete statements.finish
  const dims = Array.from({ length: o.sizes.categories }, (_, i) => ({
    grp: groupName(i),
    label: `group ${i + 1}`,
    tier: (i % p.tiers) + 1,
  }))
  return {
    steps,
    tables: backend.tables,
    joins: JOIN_DEPTH[o.complexity],
    parameters: structuredClone(p) as unknown as Record<string, unknown>,
    schema: backend.schema,
    statements,
    input: (iteration) => trRecords(o, p, iteration),
    setup: () => backend.setup(dims),
    counts: () => backend.counts(),
    async run(s: RunScope) {
      const { records, runId } = await s.step('generate', async () => {
        const list = trRecords(o, p, s.iteration)
        return { records: list, runId: await backend.start(s, list.length) }
      })
      const kept = await s.step('filter', async () => trFilter(p, records))
      await s.step('write-items', () => backend.writeItems(s, runId, kept))
      const state = `${o.prefix}run:${runId}:groups`
      const groups = await s.step('group', async () => {
        const written = await backend.group(s, runId)
        // Redis holds the groups between the steps, as a workflow engine keeps intermediate state.
        if (s.redis && written.length > 0)
          await s.redis
            .multi()
            .hset(state, Object.fromEntries(written.map((g) => [g.grp, `${g.n}:${g.total}`])))
            .expire(state, 600)
            .exec()
        return written
      })
      for (const stage of stages) {
        await s.step(`write-${stage}`, async () => {
          if (stage === 'rollup') {
            let input = groups
            if (s.redis) {
              const held = await s.redis.hgetall(state)
              input = Object.entries(held).map(([grp, v]) => ({ grp, n: Number(v.split(':')[0]), total: Number(v.split(':')[1]) }))
              await s.redis.del(state)
            }
            const n = input.reduce((sum, g) => sum + g.n, 0)
            if (n !== kept.length) throw checkFailed('transformation', s.iteration, 'the records held by the groups', n, kept.length)
            await backend.rollup(
              s,
              runId,
              input.sort((a, b) => (a.grp < b.grp ? -1 : 1)),
            )
          } else if (stage === 'lineage')
            await backend.lineage(s, runId, { generated: records.length, kept: kept.length, groups: groups.length })
          else await backend.tiers(s, runId)
          if (stage === stages[stages.length - 1]) await backend.finish(s, runId, kept.length, groups.length)
        })
      }
      s.ctx.counter('workflow_rows', kept.length)
    },
  }
}
