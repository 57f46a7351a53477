import { checkFailed } from './errors.ts'
import type { ResolvedOptions } from './options.ts'
import { prng } from '../core/random.ts'
import { JOIN_DEPTH } from './profiles.ts'
import { dayString } from './sql-dialect.ts'
import type { KindWorkflow, RunScope } from './workflow.ts'

/** Aggregate queries over seeded orders, their statistics, results cached (Redis, else a table). */
export const AN_QUERIES = ['daily-revenue', 'category-revenue', 'top-customers'] as const

export const SEGMENTS = ['consumer', 'smb', 'enterprise', 'public']
export const REGIONS = ['eu', 'us', 'apac', 'latam']
/** Orders with these statuses count as revenue. */
export const REVENUE_STATUSES = ['paid', 'shipped']

export interface AnQuery {
  /** Index in the query space: the cache key. */
  id: number
  segment: string
  from: string
  to: string
}

export interface AnParameters {
  customers: number
  products: number
  orders: number
  topN: number
  queries: AnQuery[]
}

export interface AnReference {
  regions: { region: string; name: string }[]
  categories: { category: string; department: string }[]
  products: { sku: string; category: string; price: number }[]
  customers: { id: number; name: string; segment: string; region: string }[]
  orders: {
    id: number
    customerId: number
    day: string
    status: string
    total: number
    items: { line: number; sku: string; qty: number; price: number }[]
  }[]
}

export interface AnStatistics {
  n: number
  mean: number
  sd: number
  min: number
  max: number
}

export type Row = Record<string, unknown>

export interface AnBackend {
  tables: string[]
  schema: string[]
  statements: Record<string, string[]>
  setup(reference: AnReference): Promise<void>
  /** Runs aggregate query `stage` (0 daily revenue, 1 revenue per category, 2 top customers per region). */
  aggregate(s: RunScope, stage: number, q: AnQuery): Promise<Row[]>
  statistics(s: RunScope, q: AnQuery): Promise<AnStatistics>
  /** The table (collection) cache used when the target has no Redis. */
  cacheGet(s: RunScope, key: string): Promise<string | undefined>
  cacheSet(s: RunScope, key: string, body: string, ttlSeconds: number): Promise<void>
  record(s: RunScope, iteration: number, key: string, hit: boolean, rows: number, revenue: number): Promise<void>
  counts(): Promise<Record<string, number>>
}

export function anParameters(o: ResolvedOptions): AnParameters {
  const r = prng(o.seed, 'an-parameters')
  const windows = [7, 14, 30].map((w) => Math.min(w, o.sizes.days))
  const queries = Array.from({ length: o.sizes.queries }, (_, id) => {
    const window = r.pick(windows)
    const from = r.int(0, o.sizes.days - window)
    return { id, segment: r.pick(SEGMENTS), from: dayString(from), to: dayString(from + window - 1) }
  })
  return {
    customers: Math.max(20, Math.round(o.sizes.referenceRows / 5)),
    products: Math.max(20, o.sizes.categories * 10),
    orders: o.sizes.referenceRows,
    topN: o.sizes.rows,
    queries,
  }
}

export function anReference(o: ResolvedOptions, p: AnParameters): AnReference {
  const r = prng(o.seed, 'an-reference')
  const pad = (n: number) => String(n).padStart(5, '0')
  const products = Array.from({ length: p.products }, (_, i) => ({
    sku: `sku-${pad(i + 1)}`,
    category: `cat-${pad(r.int(1, o.sizes.categories))}`,
    price: r.float(1, 300),
  }))
  const maxItems = o.complexity === 'simple' ? 2 : o.complexity === 'medium' ? 3 : 5
  return {
    regions: REGIONS.map((region) => ({ region, name: region.toUpperCase() })),
    categories: Array.from({ length: o.sizes.categories }, (_, i) => ({
      category: `cat-${pad(i + 1)}`,
      department: `dept-${r.int(1, 4)}`,
    })),
    products,
    customers: Array.from({ length: p.customers }, (_, i) => ({
      id: i + 1,
      name: `customer ${i + 1}`,
      segment: r.pick(SEGMENTS),
      region: r.pick(REGIONS),
    })),
    orders: Array.from({ length: p.orders }, (_, i) => {
      const items = Array.from({ length: r.int(1, maxItems) }, (_, line) => {
        const product = r.pick(products)
        return { line: line + 1, sku: product.sku, qty: r.int(1, 5), price: product.price }
      })
      const total = Math.round(items.reduce((sum, it) => sum + it.qty * it.price, 0) * 100) / 100
      const status = ['paid', 'paid', 'shipped', 'shipped', 'refunded', 'cancelled'][r.int(0, 5)]
      return { id: i + 1, customerId: r.int(1, p.customers), day: dayString(r.int(0, o.sizes.days - 1)), status, total, items }
    }),
  }
}

/** The query an iteration asks: a seeded draw from the query space, so some repeat and hit the cache. */
export function anQueryFor(o: ResolvedOptions, p: AnParameters, iteration: number): AnQuery {
  return p.queries[prng(o.seed, 'an-pick', iteration).int(0, p.queries.length - 1)]
}

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

export function analytics(o: ResolvedOptions, backend: AnBackend, p: AnParameters): KindWorkflow {
  const stages = Math.min(o.sizes.stages, AN_QUERIES.length)
  return {
    steps: ['cache-lookup', 'aggregate', 'statistics', 'cache-store', 'record'],
    tables: backend.tables,
    joins: JOIN_DEPTH[o.complexity],
    parameters: { ...p, queries: p.queries.length, firstQueries: p.queries.slice(0, 3), aggregates: AN_QUERIES.slice(0, stages) },
    schema: backend.schema,
    statements: backend.statements,
    input: (iteration) => anQueryFor(o, p, iteration),
    setup: () => backend.setup(anReference(o, p)),
    counts: () => backend.counts(),
    async run(s: RunScope) {
      const q = anQueryFor(o, p, s.iteration)
      const key = `${o.prefix}report:${q.id}`
      const cached = await s.step('cache-lookup', async () =>
        s.redis ? ((await s.redis.get(key)) ?? undefined) : backend.cacheGet(s, key),
      )
      s.ctx.rate('workflow_cache_hit', cached !== undefined)
      let report: { rows: number; revenue: number }
      if (cached !== undefined) report = JSON.parse(cached)
      else {
        const results = await s.step('aggregate', async () => {
          const out: Row[][] = []
          for (let stage = 0; stage < stages; stage++) out.push(await backend.aggregate(s, stage, q))
          return out
        })
        const body = await s.step('statistics', async () => {
          const stats = await backend.statistics(s, q)
          const daily = results[0].map((r) => Number(r.revenue))
          const orders = results[0].reduce((sum, r) => sum + Number(r.orders), 0)
          if (orders !== stats.n) throw checkFailed('analytics', s.iteration, 'the order count of the statistics', stats.n, orders)
          const sorted = [...daily].sort((a, b) => a - b)
          const revenue = Math.round(daily.reduce((a, b) => a + b, 0) * 100) / 100
          return {
            query: q,
            rows: results.reduce((n, r) => n + r.length, 0),
            revenue,
            stats,
            p50: percentile(sorted, 0.5),
            p90: percentile(sorted, 0.9),
            results,
          }
        })
        await s.step('cache-store', async () => {
          const json = JSON.stringify(body)
          if (s.redis) await s.redis.set(key, json, 'EX', o.sizes.cacheTtl)
          else await backend.cacheSet(s, key, json, o.sizes.cacheTtl)
        })
        report = body
      }
      await s.step('record', () => backend.record(s, s.iteration, key, cached !== undefined, report.rows, report.revenue))
    },
  }
}
