import type { Document } from 'mongodb'
import type { DpBackend, DpParameters } from './data-processing.ts'
import { JOIN_DEPTH } from './profiles.ts'
import type { ResolvedOptions } from './options.ts'
import { countDocuments, ensureIndexes, indexList, nextId, seedDocuments, shownOps, type Indexes, type MongoHandle } from './mongo-store.ts'

const lookup = (from: string, localField: string, as: string): Document => ({ $lookup: { from, localField, foreignField: '_id', as } })
const first = (field: string): Document => ({ $arrayElemAt: [`$${field}`, 0] })

/** The same workflow on MongoDB: $lookup for the joins, $merge for insert … select. */
export function dataProcessingMongo(o: ResolvedOptions, params: DpParameters, mongo: MongoHandle): DpBackend {
  const p = o.prefix
  const joins = JOIN_DEPTH[o.complexity]
  const names = [
    'products',
    'accounts',
    'categories',
    'regions',
    'counters',
    'batches',
    'staging',
    'facts',
    'daily',
    'rejects',
    'top_accounts',
  ].map((n) => `${p}${n}`)
  const col = (n: string) => mongo.db.collection(`${p}${n}`)
  // Unique where concurrent upserts meet: without it two of them may both insert.
  const indexes: Indexes = {
    staging: [{ keys: { batch_id: 1, line: 1 } }],
    facts: [{ keys: { batch_id: 1, line: 1 } }],
    daily: [{ keys: { day: 1, category: 1, region: 1, stripe: 1 }, unique: true }],
    rejects: [{ keys: { batch_id: 1 } }],
    top_accounts: [{ keys: { batch_id: 1 } }],
  }
  const [high, low] = params.tiers

  const validate: Document[] = [
    { $match: { batch_id: -1, error: null } },
    lookup(`${p}products`, 'sku', 'p'),
    ...(joins >= 2 ? [lookup(`${p}accounts`, 'account', 'a')] : []),
    {
      $project: {
        error: {
          $switch: {
            branches: [
              { case: { $or: [{ $eq: ['$qty', null] }, { $lt: ['$qty', 1] }, { $gt: ['$qty', params.maxQty] }] }, then: 'qty' },
              { case: { $or: [{ $eq: ['$unit_price', null] }, { $lte: ['$unit_price', 0] }] }, then: 'price' },
              { case: { $eq: [{ $size: '$p' }, 0] }, then: 'sku' },
              ...(joins >= 2 ? [{ case: { $eq: [{ $size: '$a' }, 0] }, then: 'account' }] : []),
            ],
            default: null,
          },
        },
      },
    },
    // Only rows that break a rule are written back, as in SQL.
    { $match: { error: { $ne: null } } },
    { $merge: { into: `${p}staging`, on: '_id', whenMatched: 'merge', whenNotMatched: 'discard' } },
  ]
  let amount: Document = { $multiply: ['$qty', '$unit_price', '$p.price_factor'] }
  if (joins >= 4) amount = { $multiply: [amount, { $add: [1, '$c.tax_rate'] }, '$r.fx'] }
  const enrich: Document[] = [
    { $match: { batch_id: -1, error: null } },
    lookup(`${p}products`, 'sku', 'p'),
    { $set: { p: first('p') } },
    ...(joins >= 2 ? [lookup(`${p}accounts`, 'account', 'a'), { $set: { a: first('a') } }] : []),
    ...(joins >= 4
      ? [lookup(`${p}categories`, 'p.category', 'c'), lookup(`${p}regions`, 'a.region', 'r'), { $set: { c: first('c'), r: first('r') } }]
      : []),
    {
      $project: {
        batch_id: 1,
        line: 1,
        account: 1,
        sku: 1,
        qty: 1,
        category: '$p.category',
        region: joins >= 2 ? '$a.region' : { $literal: null },
        amount: { $round: [amount, 2] },
        day: { $substrCP: ['$event_time', 0, 10] },
        flagged: { $literal: false },
      },
    },
    { $merge: { into: `${p}facts`, on: '_id', whenMatched: 'replace', whenNotMatched: 'insert' } },
  ]
  const price: Document[] = [
    {
      $set: { amount: { $round: [{ $multiply: ['$amount', { $cond: [{ $gte: ['$qty', high.minQty] }, high.factor, low.factor] }] }, 2] } },
    },
  ]
  const flag = { $set: { flagged: true } }
  const rank: Document[] = [
    { $match: { batch_id: -1 } },
    { $group: { _id: '$account', total: { $sum: '$amount' } } },
    { $sort: { total: -1, _id: 1 } },
    { $limit: params.topN },
  ]
  const daily: Document[] = [
    { $match: { batch_id: -1 } },
    {
      $group: {
        _id: { day: '$day', category: '$category', region: { $ifNull: ['$region', 'all'] } },
        n: { $sum: 1 },
        total: { $sum: '$amount' },
      },
    },
    { $sort: { _id: 1 } },
  ]
  const rejects: Document[] = [
    { $match: { batch_id: -1, error: { $ne: null } } },
    { $project: { batch_id: 1, line: 1, error: 1 } },
    { $merge: { into: `${p}rejects`, on: '_id', whenMatched: 'keepExisting' } },
  ]
  // Pipelines are built once with batch_id -1 and bound per run by copying the first stage.
  const bind = (pipeline: Document[], batchId: number) => [{ $match: { ...pipeline[0].$match, batch_id: batchId } }, ...pipeline.slice(1)]

  return {
    tables: names,
    schema: indexList(p, indexes),
    statements: shownOps({
      ingest: [{ findOneAndUpdate: `${p}counters` }, { insertOne: `${p}batches` }, { insertMany: `${p}staging` }],
      validate: [
        { aggregate: `${p}staging`, pipeline: validate },
        { countDocuments: `${p}staging`, filter: { batch_id: -1, error: null } },
      ],
      'transform-enrich': [{ aggregate: `${p}staging`, pipeline: enrich }, { countDocuments: `${p}facts` }],
      'transform-price': [{ updateMany: `${p}facts`, filter: { batch_id: -1, qty: { $gte: low.minQty } }, update: price }],
      'transform-flag': [{ updateMany: `${p}facts`, filter: { batch_id: -1, amount: { $gt: params.flagLimit } }, update: flag }],
      'transform-rank': [{ aggregate: `${p}facts`, pipeline: rank }, { insertMany: `${p}top_accounts` }],
      store: [
        { aggregate: `${p}facts`, pipeline: daily },
        { bulkWrite: `${p}daily` },
        { aggregate: `${p}staging`, pipeline: rejects },
        { updateOne: `${p}batches` },
      ],
    }),
    async setup(ref) {
      await ensureIndexes(mongo, p, indexes)
      await seedDocuments(
        col('products'),
        ref.products.map((r) => ({ _id: r.sku, category: r.category, price_factor: r.priceFactor })),
      )
      await seedDocuments(
        col('accounts'),
        ref.accounts.map((r) => ({ _id: r.account, region: r.region, tier: r.tier })),
      )
      await seedDocuments(
        col('categories'),
        ref.categories.map((r) => ({ _id: r.category, department: r.department, tax_rate: r.taxRate })),
      )
      await seedDocuments(
        col('regions'),
        ref.regions.map((r) => ({ _id: r.region, fx: r.fx })),
      )
    },
    async ingest(_s, batch, rows) {
      const id = await nextId(col('counters'), 'batches')
      await col('batches').insertOne({
        _id: id as never,
        source: batch.source,
        iteration: batch.iteration,
        row_count: batch.rows,
        status: 'ingesting',
        created_at: new Date(),
      })
      if (rows.length > 0) {
        const { insertedCount } = await col('staging').insertMany(
          rows.map((r) => ({
            _id: `${id}:${r.line}` as never,
            batch_id: id,
            line: r.line,
            account: r.account,
            sku: r.sku,
            qty: r.qty,
            unit_price: r.unitPrice,
            event_time: r.eventTime,
            note: r.note,
            error: r.error,
          })),
          { ordered: false },
        )
        return { id, staged: insertedCount }
      }
      return { id, staged: 0 }
    },
    async validate(_s, id) {
      await col('staging').aggregate(bind(validate, id)).toArray()
      return col('staging').countDocuments({ batch_id: id, error: null })
    },
    async enrich(_s, id) {
      await col('staging').aggregate(bind(enrich, id)).toArray()
      return col('facts').countDocuments({ batch_id: id })
    },
    async transform(_s, stage, id) {
      if (stage === 'price') await col('facts').updateMany({ batch_id: id, qty: { $gte: low.minQty } }, price)
      else if (stage === 'flag') await col('facts').updateMany({ batch_id: id, amount: { $gt: params.flagLimit } }, flag)
      else {
        const top = await col('facts').aggregate(bind(rank, id)).toArray()
        if (top.length > 0)
          await col('top_accounts').insertMany(
            top.map((t, i) => ({ _id: `${id}:${t._id}` as never, batch_id: id, rnk: i + 1, account: t._id, total: t.total })),
          )
      }
    },
    async store(_s, id, valid, rejected) {
      const groups = await col('facts').aggregate(bind(daily, id)).toArray()
      if (groups.length > 0) {
        await col('daily').bulkWrite(
          groups.map((g) => ({
            updateOne: { filter: { ...g._id, stripe: id % o.sizes.stripes }, update: { $inc: { n: g.n, total: g.total } }, upsert: true },
          })),
          { ordered: true },
        )
      }
      if (o.complexity !== 'simple') await col('staging').aggregate(bind(rejects, id)).toArray()
      await col('batches').updateOne(
        { _id: id as never },
        { $set: { status: 'stored', valid_rows: valid, rejected_rows: rejected, finished_at: new Date() } },
      )
    },
    counts: () => countDocuments(mongo, names),
  }
}
