import type { Document } from 'mongodb'
import { REVENUE_STATUSES, type AnBackend, type AnParameters, type AnQuery } from './analytics.ts'
import { countDocuments, ensureIndexes, indexList, seedDocuments, shownOps, type Indexes, type MongoHandle } from './mongo-store.ts'
import type { ResolvedOptions } from './options.ts'
import { JOIN_DEPTH } from './profiles.ts'

/** Orders embed their items, as a document model would; the joins are $lookup stages. */
export function analyticsMongo(o: ResolvedOptions, params: AnParameters, mongo: MongoHandle): AnBackend {
  const p = o.prefix
  const joins = JOIN_DEPTH[o.complexity]
  const names = ['regions', 'categories', 'products', 'customers', 'orders', 'reports', 'report_cache'].map((n) => `${p}${n}`)
  const col = (n: string) => mongo.db.collection(`${p}${n}`)
  const indexes: Indexes = {
    customers: [{ keys: { segment: 1 } }],
    orders: [{ keys: { day: 1 } }, { keys: { customer_id: 1 } }],
    reports: [{ keys: { query_key: 1 } }],
  }
  const window = (q: AnQuery): Document => ({ $match: { day: { $gte: q.from, $lte: q.to }, status: { $in: REVENUE_STATUSES } } })
  const customer: Document[] = [
    { $lookup: { from: `${p}customers`, localField: 'customer_id', foreignField: '_id', as: 'c' } },
    { $set: { c: { $arrayElemAt: ['$c', 0] } } },
  ]
  const segment = (q: AnQuery): Document => ({ $match: { 'c.segment': q.segment } })
  const revenue = { $sum: { $multiply: ['$items.qty', '$items.price'] } }
  const pipelines = [
    (q: AnQuery) => [
      window(q),
      ...customer,
      segment(q),
      { $group: { _id: '$day', orders: { $sum: 1 }, revenue: { $sum: '$total' } } },
      { $sort: { _id: 1 } },
      { $project: { _id: 0, day: '$_id', orders: 1, revenue: 1 } },
    ],
    (q: AnQuery) => [
      window(q),
      ...customer,
      segment(q),
      { $unwind: '$items' },
      { $lookup: { from: `${p}products`, localField: 'items.sku', foreignField: '_id', as: 'p' } },
      { $set: { category: { $arrayElemAt: ['$p.category', 0] } } },
      ...(joins >= 4
        ? [
            { $lookup: { from: `${p}categories`, localField: 'category', foreignField: '_id', as: 'k' } },
            { $set: { department: { $arrayElemAt: ['$k.department', 0] } } },
          ]
        : []),
      {
        $group: {
          _id: joins >= 4 ? { department: '$department', category: '$category' } : '$category',
          orders: { $addToSet: '$_id' },
          revenue,
        },
      },
      { $project: { _id: 0, category: '$_id', orders: { $size: '$orders' }, revenue: 1 } },
      { $sort: { revenue: -1, category: 1 } },
      { $limit: params.topN },
    ],
    (q: AnQuery) => [
      window(q),
      ...customer,
      { $unwind: '$items' },
      { $group: { _id: { region: '$c.region', customer_id: '$customer_id' }, spent: revenue } },
      {
        $setWindowFields: {
          partitionBy: '$_id.region',
          sortBy: { spent: -1, '_id.customer_id': 1 },
          output: { rnk: { $documentNumber: {} } },
        },
      },
      { $match: { rnk: { $lte: params.topN } } },
      { $lookup: { from: `${p}regions`, localField: '_id.region', foreignField: '_id', as: 'g' } },
      {
        $project: {
          _id: 0,
          region: '$_id.region',
          region_name: { $arrayElemAt: ['$g.name', 0] },
          customer_id: '$_id.customer_id',
          spent: 1,
          rnk: 1,
        },
      },
      { $sort: { region: 1, rnk: 1 } },
    ],
  ]
  const statistics = (q: AnQuery) => [
    window(q),
    ...customer,
    segment(q),
    {
      $group: {
        _id: null,
        n: { $sum: 1 },
        mean: { $avg: '$total' },
        sd: { $stdDevSamp: '$total' },
        min: { $min: '$total' },
        max: { $max: '$total' },
      },
    },
  ]
  const stages = Math.min(o.sizes.stages, pipelines.length)
  const shown = params.queries[0]

  return {
    tables: names,
    schema: indexList(p, indexes),
    statements: shownOps({
      'cache-lookup': o.cache ? [] : [{ findOne: `${p}report_cache` }],
      aggregate: pipelines.slice(0, stages).map((f) => ({ aggregate: `${p}orders`, pipeline: f(shown) })),
      statistics: [{ aggregate: `${p}orders`, pipeline: statistics(shown) }],
      'cache-store': o.cache ? [] : [{ updateOne: `${p}report_cache`, upsert: true }],
      record: [{ insertOne: `${p}reports` }],
    }),
    async setup(ref) {
      await ensureIndexes(mongo, p, indexes)
      await seedDocuments(
        col('regions'),
        ref.regions.map((r) => ({ _id: r.region, name: r.name })),
      )
      await seedDocuments(
        col('categories'),
        ref.categories.map((r) => ({ _id: r.category, department: r.department })),
      )
      await seedDocuments(
        col('products'),
        ref.products.map((r) => ({ _id: r.sku, category: r.category, price: r.price })),
      )
      await seedDocuments(
        col('customers'),
        ref.customers.map((r) => ({ _id: r.id, name: r.name, segment: r.segment, region: r.region })),
      )
      await seedDocuments(
        col('orders'),
        ref.orders.map((r) => ({ _id: r.id, customer_id: r.customerId, day: r.day, status: r.status, total: r.total, items: r.items })),
      )
    },
    aggregate: (_s, stage, q) => col('orders').aggregate(pipelines[stage](q)).toArray(),
    async statistics(_s, q) {
      const [r] = await col('orders').aggregate(statistics(q)).toArray()
      return { n: r?.n ?? 0, mean: r?.mean ?? 0, sd: r?.sd ?? 0, min: r?.min ?? 0, max: r?.max ?? 0 }
    },
    async cacheGet(_s, key) {
      const doc = await col('report_cache').findOne({ _id: key as never, expires_at: { $gt: Date.now() } })
      return doc ? String(doc.body) : undefined
    },
    async cacheSet(_s, key, body, ttl) {
      await col('report_cache').updateOne({ _id: key as never }, { $set: { body, expires_at: Date.now() + ttl * 1000 } }, { upsert: true })
    },
    async record(_s, iteration, key, hit, rows, revenue) {
      await col('reports').insertOne({ iteration, query_key: key, cache_hit: hit, row_count: rows, revenue, created_at: new Date() })
    },
    counts: () => countDocuments(mongo, names),
  }
}
