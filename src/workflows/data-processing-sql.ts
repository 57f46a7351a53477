import type { DpBackend, DpParameters } from './data-processing.ts'
import type { ResolvedOptions } from './options.ts'
import { JOIN_DEPTH } from './profiles.ts'
import { countRows, createTables, schemaOf, seedRows, texts, type SqlClient } from './sql-client.ts'
import { bulkInsert, upsertClause, type BulkColumn, type TableSpec } from './sql-dialect.ts'

const STAGING_COLUMNS: BulkColumn[] = [
  { name: 'batch_id', pg: 'int' },
  { name: 'line', pg: 'int' },
  { name: 'account', pg: 'text' },
  { name: 'sku', pg: 'text' },
  { name: 'qty', pg: 'int' },
  { name: 'unit_price', pg: 'numeric' },
  { name: 'event_time', pg: 'timestamp' },
  { name: 'note', pg: 'text' },
  { name: 'error', pg: 'text' },
]
const CHUNK = 1000

function tables(p: string): TableSpec[] {
  const key = 'text(24)' as const
  return [
    {
      name: `${p}products`,
      columns: [
        ['sku', key, 'not null'],
        ['category', key, 'not null'],
        ['price_factor', 'real', 'not null'],
      ],
      primaryKey: ['sku'],
    },
    {
      name: `${p}accounts`,
      columns: [
        ['account', key, 'not null'],
        ['region', 'text(8)', 'not null'],
        ['tier', 'int', 'not null'],
      ],
      primaryKey: ['account'],
    },
    {
      name: `${p}categories`,
      columns: [
        ['category', key, 'not null'],
        ['department', key, 'not null'],
        ['tax_rate', 'real', 'not null'],
      ],
      primaryKey: ['category'],
    },
    {
      name: `${p}regions`,
      columns: [
        ['region', 'text(8)', 'not null'],
        ['fx', 'real', 'not null'],
      ],
      primaryKey: ['region'],
    },
    {
      name: `${p}batches`,
      columns: [
        ['id', 'id'],
        ['source', key, 'not null'],
        ['iteration', 'int', 'not null'],
        ['row_count', 'int', 'not null'],
        ['valid_rows', 'int'],
        ['rejected_rows', 'int'],
        ['status', 'text(16)', 'not null'],
        ['created_at', 'ts', 'not null'],
        ['finished_at', 'ts'],
      ],
    },
    {
      name: `${p}staging`,
      columns: [
        ['batch_id', 'int', 'not null'],
        ['line', 'int', 'not null'],
        ['account', key, 'not null'],
        ['sku', key, 'not null'],
        ['qty', 'int'],
        ['unit_price', 'money'],
        ['event_time', 'ts'],
        ['note', 'clob'],
        ['error', 'text(16)'],
      ],
      primaryKey: ['batch_id', 'line'],
    },
    {
      name: `${p}facts`,
      columns: [
        ['batch_id', 'int', 'not null'],
        ['line', 'int', 'not null'],
        ['account', key, 'not null'],
        ['sku', key, 'not null'],
        ['category', key, 'not null'],
        ['region', 'text(8)'],
        ['qty', 'int', 'not null'],
        ['amount', 'money', 'not null'],
        ['day', 'date', 'not null'],
        ['flagged', 'bool'],
      ],
      primaryKey: ['batch_id', 'line'],
      indexes: [['day', 'category']],
    },
    {
      name: `${p}daily`,
      columns: [
        ['day', 'date', 'not null'],
        ['category', key, 'not null'],
        ['region', 'text(8)', 'not null'],
        ['stripe', 'int', 'not null'],
        ['n', 'int', 'not null'],
        ['total', 'money', 'not null'],
      ],
      primaryKey: ['day', 'category', 'region', 'stripe'],
    },
    {
      name: `${p}rejects`,
      columns: [
        ['batch_id', 'int', 'not null'],
        ['line', 'int', 'not null'],
        ['error', 'text(16)', 'not null'],
      ],
      primaryKey: ['batch_id', 'line'],
    },
    {
      name: `${p}top_accounts`,
      columns: [
        ['batch_id', 'int', 'not null'],
        ['rnk', 'int', 'not null'],
        ['account', key, 'not null'],
        ['total', 'money', 'not null'],
      ],
      primaryKey: ['batch_id', 'account'],
    },
  ]
}

/** The statements, built once from the seeded parameters; each step only binds the batch id. */
function statements(o: ResolvedOptions, params: DpParameters, sql: SqlClient) {
  const p = o.prefix
  const joins = JOIN_DEPTH[o.complexity]
  const rule =
    `case when qty is null or qty < 1 or qty > ${params.maxQty} then 'qty' when unit_price is null or unit_price <= 0 then 'price'` +
    ` when not exists (select 1 from ${p}products p where p.sku = ${p}staging.sku) then 'sku'${joins >= 2 ? ` when not exists (select 1 from ${p}accounts a where a.account = ${p}staging.account) then 'account'` : ''} end`
  const amount = joins >= 4 ? 's.qty * s.unit_price * p.price_factor * (1 + c.tax_rate) * r.fx' : 's.qty * s.unit_price * p.price_factor'
  const from = [
    `${p}staging s join ${p}products p on p.sku = s.sku`,
    joins >= 2 ? ` join ${p}accounts a on a.account = s.account` : '',
    joins >= 4 ? ` join ${p}categories c on c.category = p.category join ${p}regions r on r.region = a.region` : '',
  ].join('')
  const [high, low] = params.tiers
  return {
    batch: `insert into ${p}batches (source, iteration, row_count, status, created_at) values (?, ?, ?, 'ingesting', current_timestamp)`,
    staging: (rows: unknown[][]) => bulkInsert(sql.dialect, `${p}staging`, STAGING_COLUMNS, rows),
    // Only rows that break a rule are written: rewriting every valid row would double the writes.
    validate: `update ${p}staging set error = ${rule} where batch_id = ? and error is null and ${rule} is not null`,
    enrich:
      `insert into ${p}facts (batch_id, line, account, sku, category, region, qty, amount, day, flagged)` +
      ` select s.batch_id, s.line, s.account, s.sku, p.category, ${joins >= 2 ? 'a.region' : 'null'}, s.qty, cast(${amount} as decimal(14,2)), cast(s.event_time as date), false` +
      ` from ${from} where s.batch_id = ? and s.error is null order by s.line`,
    price: `update ${p}facts set amount = cast(amount * case when qty >= ${high.minQty} then ${high.factor} else ${low.factor} end as decimal(14,2)) where batch_id = ? and qty >= ${low.minQty}`,
    flag: `update ${p}facts set flagged = true where batch_id = ? and amount > ${params.flagLimit}`,
    // A derived table, not a CTE: MySQL and PostgreSQL put WITH in different places of an insert.
    rank:
      `insert into ${p}top_accounts (batch_id, rnk, account, total) select batch_id, rnk, account, total from (` +
      `select batch_id, account, total, row_number() over (order by total desc, account) as rnk from (` +
      `select batch_id, account, sum(amount) as total from ${p}facts where batch_id = ? group by batch_id, account) g) r where rnk <= ${params.topN}`,
    // Ordered by key, so concurrent batches lock the hot aggregate rows in the same order (no deadlocks).
    daily:
      `insert into ${p}daily (day, category, region, stripe, n, total) select day, category, coalesce(region, 'all'), ?, count(*), sum(amount) from ${p}facts` +
      ` where batch_id = ? group by day, category, coalesce(region, 'all') order by 1, 2, 3` +
      upsertClause(sql.dialect, `${p}daily`, ['day', 'category', 'region', 'stripe'], ['n', 'total']),
    rejects: `insert into ${p}rejects (batch_id, line, error) select batch_id, line, error from ${p}staging where batch_id = ? and error is not null`,
    finish: `update ${p}batches set status = 'stored', valid_rows = ?, rejected_rows = ?, finished_at = current_timestamp where id = ?`,
  }
}

export function dataProcessingSql(o: ResolvedOptions, params: DpParameters, sql: SqlClient): DpBackend {
  const specs = tables(o.prefix)
  const st = statements(o, params, sql)
  const keepRejects = o.complexity !== 'simple'
  return {
    tables: specs.map((t) => t.name),
    schema: schemaOf(sql.dialect, specs),
    statements: texts(sql.dialect, {
      ingest: [st.batch, st.staging([[]]).sql],
      validate: [st.validate],
      'transform-enrich': [st.enrich],
      'transform-price': [st.price],
      'transform-flag': [st.flag],
      'transform-rank': [st.rank],
      store: [...(keepRejects ? [st.rejects] : []), st.daily, st.finish],
    }),
    async setup(ref) {
      await createTables(sql, specs)
      const p = o.prefix
      await seedRows(
        sql,
        `${p}products`,
        ['sku', 'category', 'price_factor'],
        ref.products.map((r) => [r.sku, r.category, r.priceFactor]),
      )
      await seedRows(
        sql,
        `${p}accounts`,
        ['account', 'region', 'tier'],
        ref.accounts.map((r) => [r.account, r.region, r.tier]),
      )
      await seedRows(
        sql,
        `${p}categories`,
        ['category', 'department', 'tax_rate'],
        ref.categories.map((r) => [r.category, r.department, r.taxRate]),
      )
      await seedRows(
        sql,
        `${p}regions`,
        ['region', 'fx'],
        ref.regions.map((r) => [r.region, r.fx]),
      )
    },
    async ingest(s, batch, rows) {
      const id = await s.sql!.insertId(st.batch, [batch.source, batch.iteration, batch.rows])
      let staged = 0
      for (let i = 0; i < rows.length; i += CHUNK) {
        const insert = st.staging(
          rows.slice(i, i + CHUNK).map((r) => [id, r.line, r.account, r.sku, r.qty, r.unitPrice, r.eventTime, r.note, r.error]),
        )
        staged += await s.sql!.execute(insert.sql, insert.params)
      }
      return { id, staged }
    },
    async validate(s, id, rows) {
      const flagged = await s.sql!.execute(st.validate, [id])
      return rows.filter((r) => r.error === null).length - flagged
    },
    async enrich(s, id) {
      return s.sql!.execute(st.enrich, [id])
    },
    async transform(s, stage, id) {
      await s.sql!.query(st[stage], [id])
    },
    async store(s, id, valid, rejected) {
      // Autocommit, not one transaction: a transaction would hold the hot daily rows' locks
      // across round trips, and with a busy event loop every other batch queues behind it.
      // The batch's status, written last, says whether the store completed.
      if (keepRejects) await s.sql!.query(st.rejects, [id])
      await s.sql!.query(st.daily, [id % o.sizes.stripes, id])
      await s.sql!.query(st.finish, [valid, rejected, id])
    },
    counts: () =>
      countRows(
        sql,
        specs.map((t) => t.name),
      ),
  }
}
