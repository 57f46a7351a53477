import { REVENUE_STATUSES, type AnBackend, type AnParameters } from './analytics.ts'
import type { ResolvedOptions } from './options.ts'
import { JOIN_DEPTH } from './profiles.ts'
import { countRows, createTables, schemaOf, seedRows, texts, type SqlClient } from './sql-client.ts'
import { upsertClause, type TableSpec } from './sql-dialect.ts'

function tables(p: string): TableSpec[] {
  const key = 'text(24)' as const
  return [
    {
      name: `${p}regions`,
      columns: [
        ['region', 'text(8)', 'not null'],
        ['name', key, 'not null'],
      ],
      primaryKey: ['region'],
    },
    {
      name: `${p}categories`,
      columns: [
        ['category', key, 'not null'],
        ['department', key, 'not null'],
      ],
      primaryKey: ['category'],
    },
    {
      name: `${p}products`,
      columns: [
        ['sku', key, 'not null'],
        ['category', key, 'not null'],
        ['price', 'money', 'not null'],
      ],
      primaryKey: ['sku'],
    },
    {
      name: `${p}customers`,
      columns: [
        ['id', 'int', 'not null'],
        ['name', 'text(40)', 'not null'],
        ['segment', 'text(16)', 'not null'],
        ['region', 'text(8)', 'not null'],
      ],
      primaryKey: ['id'],
      indexes: [['segment']],
    },
    {
      name: `${p}orders`,
      columns: [
        ['id', 'int', 'not null'],
        ['customer_id', 'int', 'not null'],
        ['day', 'date', 'not null'],
        ['status', 'text(12)', 'not null'],
        ['total', 'money', 'not null'],
      ],
      primaryKey: ['id'],
      indexes: [['day'], ['customer_id']],
    },
    {
      name: `${p}order_items`,
      columns: [
        ['order_id', 'int', 'not null'],
        ['line', 'int', 'not null'],
        ['sku', key, 'not null'],
        ['qty', 'int', 'not null'],
        ['price', 'money', 'not null'],
      ],
      primaryKey: ['order_id', 'line'],
      indexes: [['sku']],
    },
    {
      name: `${p}reports`,
      columns: [
        ['id', 'id'],
        ['iteration', 'int', 'not null'],
        ['query_key', 'text(64)', 'not null'],
        ['cache_hit', 'bool', 'not null'],
        ['row_count', 'int', 'not null'],
        ['revenue', 'money', 'not null'],
        ['created_at', 'ts', 'not null'],
      ],
    },
    {
      name: `${p}report_cache`,
      columns: [
        ['query_key', 'text(64)', 'not null'],
        ['body', 'clob', 'not null'],
        ['expires_at', 'bigint', 'not null'],
      ],
      primaryKey: ['query_key'],
    },
  ]
}

function statements(o: ResolvedOptions, params: AnParameters, sql: SqlClient) {
  const p = o.prefix
  const joins = JOIN_DEPTH[o.complexity]
  const statuses = REVENUE_STATUSES.map((s) => `'${s}'`).join(', ')
  const window = `o.day between ? and ? and o.status in (${statuses})`
  const bySegment = `${p}orders o join ${p}customers c on c.id = o.customer_id`
  const byCategory = joins >= 4 ? ['k.department, p.category', ` join ${p}categories k on k.category = p.category`] : ['p.category', '']
  return {
    aggregates: [
      `select o.day, count(*) as orders, sum(o.total) as revenue from ${bySegment} where ${window} and c.segment = ? group by o.day order by o.day`,
      `select ${byCategory[0]}, count(distinct o.id) as orders, sum(i.qty * i.price) as revenue from ${bySegment}` +
        ` join ${p}order_items i on i.order_id = o.id join ${p}products p on p.sku = i.sku${byCategory[1]}` +
        ` where ${window} and c.segment = ? group by ${byCategory[0]} order by revenue desc, ${byCategory[0]} limit ${params.topN}`,
      `with spend as (select c.region, c.id as customer_id, sum(i.qty * i.price) as spent from ${bySegment} join ${p}order_items i on i.order_id = o.id` +
        ` where ${window} group by c.region, c.id),` +
        ` ranked as (select region, customer_id, spent, rank() over (partition by region order by spent desc, customer_id) as rnk from spend)` +
        ` select r.region, g.name as region_name, r.customer_id, r.spent, r.rnk from ranked r join ${p}regions g on g.region = r.region` +
        ` where r.rnk <= ${params.topN} order by r.region, r.rnk`,
    ],
    statistics:
      `select count(*) as n, coalesce(avg(o.total), 0) as mean, coalesce(stddev_samp(o.total), 0) as sd,` +
      ` coalesce(min(o.total), 0) as min_total, coalesce(max(o.total), 0) as max_total from ${bySegment} where ${window} and c.segment = ?`,
    cacheGet: `select body from ${p}report_cache where query_key = ? and expires_at > ?`,
    cacheSet: `insert into ${p}report_cache (query_key, body, expires_at) values (?, ?, ?)${upsertClause(sql.dialect, `${p}report_cache`, ['query_key'], [], ['body', 'expires_at'])}`,
    record: `insert into ${p}reports (iteration, query_key, cache_hit, row_count, revenue, created_at) values (?, ?, ?, ?, ?, current_timestamp)`,
  }
}

export function analyticsSql(o: ResolvedOptions, params: AnParameters, sql: SqlClient): AnBackend {
  const specs = tables(o.prefix)
  const st = statements(o, params, sql)
  const stages = Math.min(o.sizes.stages, st.aggregates.length)
  const p = o.prefix
  return {
    tables: specs.map((t) => t.name),
    schema: schemaOf(sql.dialect, specs),
    statements: texts(sql.dialect, {
      'cache-lookup': o.cache ? [] : [st.cacheGet],
      aggregate: st.aggregates.slice(0, stages),
      statistics: [st.statistics],
      'cache-store': o.cache ? [] : [st.cacheSet],
      record: [st.record],
    }),
    async setup(ref) {
      await createTables(sql, specs)
      await seedRows(
        sql,
        `${p}regions`,
        ['region', 'name'],
        ref.regions.map((r) => [r.region, r.name]),
      )
      await seedRows(
        sql,
        `${p}categories`,
        ['category', 'department'],
        ref.categories.map((r) => [r.category, r.department]),
      )
      await seedRows(
        sql,
        `${p}products`,
        ['sku', 'category', 'price'],
        ref.products.map((r) => [r.sku, r.category, r.price]),
      )
      await seedRows(
        sql,
        `${p}customers`,
        ['id', 'name', 'segment', 'region'],
        ref.customers.map((r) => [r.id, r.name, r.segment, r.region]),
      )
      await seedRows(
        sql,
        `${p}orders`,
        ['id', 'customer_id', 'day', 'status', 'total'],
        ref.orders.map((r) => [r.id, r.customerId, r.day, r.status, r.total]),
      )
      const items = ref.orders.flatMap((r) => r.items.map((i) => [r.id, i.line, i.sku, i.qty, i.price]))
      await seedRows(sql, `${p}order_items`, ['order_id', 'line', 'sku', 'qty', 'price'], items)
    },
    aggregate: (s, stage, q) => s.sql!.query(st.aggregates[stage], stage === 2 ? [q.from, q.to] : [q.from, q.to, q.segment]),
    async statistics(s, q) {
      const [r] = await s.sql!.query(st.statistics, [q.from, q.to, q.segment])
      return { n: Number(r.n), mean: Number(r.mean), sd: Number(r.sd), min: Number(r.min_total), max: Number(r.max_total) }
    },
    async cacheGet(s, key) {
      const [row] = await s.sql!.query(st.cacheGet, [key, Date.now()])
      return row ? String(row.body) : undefined
    },
    async cacheSet(s, key, body, ttl) {
      await s.sql!.query(st.cacheSet, [key, body, Date.now() + ttl * 1000])
    },
    async record(s, iteration, key, hit, rows, revenue) {
      await s.sql!.query(st.record, [iteration, key, hit, rows, revenue])
    },
    counts: () =>
      countRows(
        sql,
        specs.map((t) => t.name),
      ),
  }
}
