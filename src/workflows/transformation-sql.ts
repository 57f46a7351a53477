import type { ResolvedOptions } from './options.ts'
import { JOIN_DEPTH } from './profiles.ts'
import { countRows, createTables, schemaOf, seedRows, texts, type SqlClient } from './sql-client.ts'
import { bulkInsert, upsertClause, type BulkColumn, type TableSpec } from './sql-dialect.ts'
import type { TrBackend, TrParameters } from './transformation.ts'

const ITEM_COLUMNS: BulkColumn[] = [
  { name: 'run_id', pg: 'int' },
  { name: 'idx', pg: 'int' },
  { name: 'kind', pg: 'text' },
  { name: 'grp', pg: 'text' },
  { name: 'score', pg: 'float8' },
  { name: 'weight', pg: 'int' },
  { name: 'value', pg: 'float8' },
  { name: 'payload', pg: 'text' },
]
const ROLLUP_COLUMNS: BulkColumn[] = [
  { name: 'grp', pg: 'text' },
  { name: 'stripe', pg: 'int' },
  { name: 'runs', pg: 'int' },
  { name: 'n', pg: 'int' },
  { name: 'total', pg: 'float8' },
]
const LINEAGE_COLUMNS: BulkColumn[] = [
  { name: 'run_id', pg: 'int' },
  { name: 'stage', pg: 'text' },
  { name: 'rows_in', pg: 'int' },
  { name: 'rows_out', pg: 'int' },
]
const CHUNK = 1000

function tables(p: string): TableSpec[] {
  const grp = 'text(16)' as const
  return [
    {
      name: `${p}group_dims`,
      columns: [
        ['grp', grp, 'not null'],
        ['label', 'text(40)', 'not null'],
        ['tier', 'int', 'not null'],
      ],
      primaryKey: ['grp'],
    },
    {
      name: `${p}runs`,
      columns: [
        ['id', 'id'],
        ['iteration', 'int', 'not null'],
        ['generated', 'int', 'not null'],
        ['kept', 'int'],
        ['group_count', 'int'],
        ['status', 'text(16)', 'not null'],
        ['created_at', 'ts', 'not null'],
        ['finished_at', 'ts'],
      ],
    },
    {
      name: `${p}items`,
      columns: [
        ['run_id', 'int', 'not null'],
        ['idx', 'int', 'not null'],
        ['kind', 'text(16)', 'not null'],
        ['grp', grp, 'not null'],
        ['score', 'real', 'not null'],
        ['weight', 'int', 'not null'],
        ['value', 'real', 'not null'],
        ['payload', 'clob'],
      ],
      primaryKey: ['run_id', 'idx'],
    },
    {
      name: `${p}groups`,
      columns: [
        ['run_id', 'int', 'not null'],
        ['grp', grp, 'not null'],
        ['n', 'int', 'not null'],
        ['total', 'real', 'not null'],
        ['avg_weight', 'real', 'not null'],
      ],
      primaryKey: ['run_id', 'grp'],
    },
    {
      name: `${p}rollup`,
      columns: [
        ['grp', grp, 'not null'],
        ['stripe', 'int', 'not null'],
        ['runs', 'int', 'not null'],
        ['n', 'bigint', 'not null'],
        ['total', 'real', 'not null'],
      ],
      primaryKey: ['grp', 'stripe'],
    },
    {
      name: `${p}lineage`,
      columns: [
        ['run_id', 'int', 'not null'],
        ['stage', 'text(16)', 'not null'],
        ['rows_in', 'int', 'not null'],
        ['rows_out', 'int', 'not null'],
      ],
      primaryKey: ['run_id', 'stage'],
    },
    {
      name: `${p}tier_top`,
      columns: [
        ['run_id', 'int', 'not null'],
        ['tier', 'int', 'not null'],
        ['rnk', 'int', 'not null'],
        ['grp', grp, 'not null'],
        ['n', 'int', 'not null'],
        ['share', 'real', 'not null'],
      ],
      primaryKey: ['run_id', 'tier', 'rnk'],
    },
  ]
}

function statements(o: ResolvedOptions, params: TrParameters, sql: SqlClient) {
  const p = o.prefix
  const d = sql.dialect
  const dims = JOIN_DEPTH[o.complexity] >= 2 ? ` join ${p}group_dims d on d.grp = i.grp` : ''
  return {
    start: `insert into ${p}runs (iteration, generated, status, created_at) values (?, ?, 'generated', current_timestamp)`,
    items: (rows: unknown[][]) => bulkInsert(d, `${p}items`, ITEM_COLUMNS, rows),
    group: [
      `insert into ${p}groups (run_id, grp, n, total, avg_weight) select i.run_id, i.grp, count(*), sum(i.value), avg(i.weight) from ${p}items i${dims} where i.run_id = ? group by i.run_id, i.grp`,
      `select grp, n, total from ${p}groups where run_id = ? order by grp`,
    ],
    // Rows in key order: concurrent runs lock the shared rollup rows in the same order.
    rollup: (rows: unknown[][]) => {
      const insert = bulkInsert(d, `${p}rollup`, ROLLUP_COLUMNS, rows)
      return { sql: insert.sql + upsertClause(d, `${p}rollup`, ['grp', 'stripe'], ['runs', 'n', 'total']), params: insert.params }
    },
    lineage: (rows: unknown[][]) => bulkInsert(d, `${p}lineage`, LINEAGE_COLUMNS, rows),
    tiers:
      `insert into ${p}tier_top (run_id, tier, rnk, grp, n, share) select run_id, tier, rnk, grp, n, share from (` +
      `select g.run_id, d.tier, g.grp, g.n, cast(g.n as decimal(14,4)) / r.n as share, row_number() over (partition by d.tier order by g.n desc, g.grp) as rnk` +
      ` from ${p}groups g join ${p}group_dims d on d.grp = g.grp join (select grp, sum(n) as n from ${p}rollup group by grp) r on r.grp = g.grp` +
      ` where g.run_id = ?) t where rnk <= ${params.topPerTier}`,
    finish: `update ${p}runs set status = 'done', kept = ?, group_count = ?, finished_at = current_timestamp where id = ?`,
  }
}

export function transformationSql(o: ResolvedOptions, params: TrParameters, sql: SqlClient): TrBackend {
  const specs = tables(o.prefix)
  const st = statements(o, params, sql)
  return {
    tables: specs.map((t) => t.name),
    schema: schemaOf(sql.dialect, specs),
    statements: texts(sql.dialect, {
      generate: [st.start],
      filter: [],
      'write-items': [st.items([[]]).sql],
      group: st.group,
      'write-rollup': [st.rollup([[]]).sql],
      'write-lineage': [st.lineage([[]]).sql],
      'write-tiers': [st.tiers],
      finish: [st.finish],
    }),
    async setup(dims) {
      await createTables(sql, specs)
      await seedRows(
        sql,
        `${o.prefix}group_dims`,
        ['grp', 'label', 'tier'],
        dims.map((r) => [r.grp, r.label, r.tier]),
      )
    },
    start: (s, generated) => s.sql!.insertId(st.start, [s.iteration, generated]),
    async writeItems(s, runId, kept) {
      for (let i = 0; i < kept.length; i += CHUNK) {
        const insert = st.items(kept.slice(i, i + CHUNK).map((k) => [runId, k.idx, k.kind, k.grp, k.score, k.weight, k.value, k.payload]))
        await s.sql!.query(insert.sql, insert.params)
      }
    },
    async group(s, runId) {
      await s.sql!.query(st.group[0], [runId])
      const rows = await s.sql!.query(st.group[1], [runId])
      return rows.map((r) => ({ grp: String(r.grp), n: Number(r.n), total: Number(r.total) }))
    },
    async rollup(s, runId, groups) {
      if (groups.length === 0) return
      const upsert = st.rollup(groups.map((g) => [g.grp, runId % o.sizes.stripes, 1, g.n, g.total]))
      await s.sql!.query(upsert.sql, upsert.params)
    },
    async lineage(s, runId, c) {
      const insert = st.lineage([
        [runId, 'generate', 0, c.generated],
        [runId, 'filter', c.generated, c.kept],
        [runId, 'group', c.kept, c.groups],
      ])
      await s.sql!.query(insert.sql, insert.params)
    },
    async tiers(s, runId) {
      await s.sql!.query(st.tiers, [runId])
    },
    async finish(s, runId, kept, groups) {
      await s.sql!.query(st.finish, [kept, groups, runId])
    },
    counts: () =>
      countRows(
        sql,
        specs.map((t) => t.name),
      ),
  }
}
