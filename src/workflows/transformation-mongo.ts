import type { Document } from 'mongodb'
import { countDocuments, ensureIndexes, indexList, nextId, seedDocuments, shownOps, type Indexes, type MongoHandle } from './mongo-store.ts'
import type { ResolvedOptions } from './options.ts'
import { JOIN_DEPTH } from './profiles.ts'
import type { TrBackend, TrParameters } from './transformation.ts'

/** The same stages on MongoDB: $group with $merge for the grouping, $inc upserts for the rollup. */
export function transformationMongo(o: ResolvedOptions, params: TrParameters, mongo: MongoHandle): TrBackend {
  const p = o.prefix
  const names = ['group_dims', 'counters', 'runs', 'items', 'groups', 'rollup', 'lineage', 'tier_top'].map((n) => `${p}${n}`)
  const col = (n: string) => mongo.db.collection(`${p}${n}`)
  const indexes: Indexes = {
    items: [{ keys: { run_id: 1 } }],
    groups: [{ keys: { run_id: 1 } }],
    rollup: [{ keys: { grp: 1, stripe: 1 }, unique: true }],
    tier_top: [{ keys: { run_id: 1 } }],
  }
  const dims: Document[] =
    JOIN_DEPTH[o.complexity] >= 2
      ? [{ $lookup: { from: `${p}group_dims`, localField: 'grp', foreignField: '_id', as: 'd' } }, { $match: { 'd.0': { $exists: true } } }]
      : []
  const group = (runId: number): Document[] => [
    { $match: { run_id: runId } },
    ...dims,
    { $group: { _id: { run_id: '$run_id', grp: '$grp' }, n: { $sum: 1 }, total: { $sum: '$value' }, avg_weight: { $avg: '$weight' } } },
    {
      $project: {
        _id: { $concat: [{ $toString: '$_id.run_id' }, ':', '$_id.grp'] },
        run_id: '$_id.run_id',
        grp: '$_id.grp',
        n: 1,
        total: 1,
        avg_weight: 1,
      },
    },
    { $merge: { into: `${p}groups`, on: '_id', whenMatched: 'replace', whenNotMatched: 'insert' } },
  ]
  const tiers = (runId: number): Document[] => [
    { $match: { run_id: runId } },
    { $lookup: { from: `${p}group_dims`, localField: 'grp', foreignField: '_id', as: 'd' } },
    { $lookup: { from: `${p}rollup`, localField: 'grp', foreignField: 'grp', as: 'r' } },
    {
      $project: {
        run_id: 1,
        grp: 1,
        n: 1,
        tier: { $arrayElemAt: ['$d.tier', 0] },
        share: { $divide: ['$n', { $max: [1, { $sum: '$r.n' }] }] },
      },
    },
    { $setWindowFields: { partitionBy: '$tier', sortBy: { n: -1, grp: 1 }, output: { rnk: { $documentNumber: {} } } } },
    { $match: { rnk: { $lte: params.topPerTier } } },
  ]

  return {
    tables: names,
    schema: indexList(p, indexes),
    statements: shownOps({
      generate: [{ findOneAndUpdate: `${p}counters` }, { insertOne: `${p}runs` }],
      filter: [],
      'write-items': [{ insertMany: `${p}items` }],
      group: [{ aggregate: `${p}items`, pipeline: group(-1) }, { find: `${p}groups` }],
      'write-rollup': [{ bulkWrite: `${p}rollup`, update: { $inc: { runs: 1, n: 'n', total: 'total' } }, upsert: true }],
      'write-lineage': [{ insertMany: `${p}lineage` }],
      'write-tiers': [{ aggregate: `${p}groups`, pipeline: tiers(-1) }, { insertMany: `${p}tier_top` }],
      finish: [{ updateOne: `${p}runs` }],
    }),
    async setup(list) {
      await ensureIndexes(mongo, p, indexes)
      await seedDocuments(
        col('group_dims'),
        list.map((d) => ({ _id: d.grp, label: d.label, tier: d.tier })),
      )
    },
    async start(s, generated) {
      const id = await nextId(col('counters'), 'runs')
      await col('runs').insertOne({ _id: id as never, iteration: s.iteration, generated, status: 'generated', created_at: new Date() })
      return id
    },
    async writeItems(_s, runId, kept) {
      if (kept.length > 0)
        await col('items').insertMany(
          kept.map((k) => ({
            _id: `${runId}:${k.idx}` as never,
            run_id: runId,
            idx: k.idx,
            kind: k.kind,
            grp: k.grp,
            score: k.score,
            weight: k.weight,
            value: k.value,
            payload: k.payload,
          })),
          { ordered: false },
        )
    },
    async group(_s, runId) {
      await col('items').aggregate(group(runId)).toArray()
      const docs = await col('groups').find({ run_id: runId }).sort({ grp: 1 }).toArray()
      return docs.map((g) => ({ grp: String(g.grp), n: Number(g.n), total: Number(g.total) }))
    },
    async rollup(_s, runId, groups) {
      if (groups.length === 0) return
      const stripe = runId % o.sizes.stripes
      await col('rollup').bulkWrite(
        groups.map((g) => ({
          updateOne: { filter: { grp: g.grp, stripe }, update: { $inc: { runs: 1, n: g.n, total: g.total } }, upsert: true },
        })),
        { ordered: true },
      )
    },
    async lineage(_s, runId, c) {
      await col('lineage').insertMany([
        { _id: `${runId}:generate` as never, run_id: runId, stage: 'generate', rows_in: 0, rows_out: c.generated },
        { _id: `${runId}:filter` as never, run_id: runId, stage: 'filter', rows_in: c.generated, rows_out: c.kept },
        { _id: `${runId}:group` as never, run_id: runId, stage: 'group', rows_in: c.kept, rows_out: c.groups },
      ])
    },
    async tiers(_s, runId) {
      const top = await col('groups').aggregate(tiers(runId)).toArray()
      if (top.length > 0)
        await col('tier_top').insertMany(
          top.map((t) => ({
            _id: `${runId}:${t.tier}:${t.rnk}` as never,
            run_id: runId,
            tier: t.tier,
            rnk: t.rnk,
            grp: t.grp,
            n: t.n,
            share: t.share,
          })),
        )
    },
    async finish(_s, runId, kept, groups) {
      await col('runs').updateOne({ _id: runId as never }, { $set: { status: 'done', kept, group_count: groups, finished_at: new Date() } })
    },
    counts: () => countDocuments(mongo, names),
  }
}
