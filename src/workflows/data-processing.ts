import { checkFailed } from './errors.ts'
import type { ResolvedOptions } from './options.ts'
import { prng } from '../core/random.ts'
import { JOIN_DEPTH } from './profiles.ts'
import { timestampString } from './sql-dialect.ts'
import type { KindWorkflow, RunScope } from './workflow.ts'

/** Ingest a CSV batch → validate → transform in stages → store aggregates. */
export const DP_STAGES = ['enrich', 'price', 'flag', 'rank'] as const
export type DpStage = (typeof DP_STAGES)[number]

export interface DpParameters {
  maxQty: number
  /** Volume discounts of the price stage, largest minQty first. */
  tiers: { minQty: number; factor: number }[]
  flagLimit: number
  topN: number
  sources: string[]
  products: number
  accounts: number
  categories: number
  errorKinds: string[]
}

export interface DpRow {
  line: number
  account: string
  sku: string
  qty: number | null
  unitPrice: number | null
  eventTime: string | null
  note: string
  error: string | null
}

export interface DpBatch {
  iteration: number
  source: string
  csv: string
  rows: number
  /** Rows the generator made invalid on purpose; validation must find exactly these. */
  invalid: number
}

export interface DpReference {
  products: { sku: string; category: string; priceFactor: number }[]
  accounts: { account: string; region: string; tier: number }[]
  categories: { category: string; department: string; taxRate: number }[]
  regions: { region: string; fx: number }[]
}

export interface DpBackend {
  tables: string[]
  schema: string[]
  statements: Record<string, string[]>
  setup(reference: DpReference): Promise<void>
  /** Stages the parsed rows; returns the batch id and how many rows were staged. */
  ingest(s: RunScope, batch: DpBatch, rows: DpRow[]): Promise<{ id: number; staged: number }>
  /** Marks rows that break the rules (only those are written) and returns how many stay valid. */
  validate(s: RunScope, batchId: number, rows: DpRow[]): Promise<number>
  /** Writes the facts of the valid rows and returns how many. */
  enrich(s: RunScope, batchId: number): Promise<number>
  transform(s: RunScope, stage: Exclude<DpStage, 'enrich'>, batchId: number): Promise<void>
  store(s: RunScope, batchId: number, valid: number, rejected: number): Promise<void>
  counts(): Promise<Record<string, number>>
}

const REGIONS = ['eu', 'us', 'apac', 'latam']
const pad = (n: number) => String(n).padStart(5, '0')

export function dpParameters(o: ResolvedOptions): DpParameters {
  const r = prng(o.seed, 'dp-parameters')
  const t1 = r.int(4, 8)
  const joins = JOIN_DEPTH[o.complexity]
  return {
    maxQty: r.int(20, 50),
    tiers: [
      { minQty: t1 + r.int(5, 10), factor: r.float(0.8, 0.9, 3) },
      { minQty: t1, factor: r.float(0.9, 0.98, 3) },
    ],
    flagLimit: r.int(300, 900),
    topN: r.int(3, 10),
    sources: r.sample(['crm', 'erp', 'pos', 'web', 'partner', 'mobile', 'batch-ftp'], 4),
    products: o.sizes.referenceRows,
    accounts: Math.max(10, Math.round(o.sizes.referenceRows / 2)),
    categories: o.sizes.categories,
    errorKinds: joins >= 2 ? ['qty', 'price', 'sku', 'account', 'malformed'] : ['qty', 'price', 'sku', 'malformed'],
  }
}

export function dpReference(o: ResolvedOptions, p: DpParameters): DpReference {
  const r = prng(o.seed, 'dp-reference')
  return {
    products: Array.from({ length: p.products }, (_, i) => ({
      sku: `sku-${pad(i + 1)}`,
      category: `cat-${pad(r.int(1, p.categories))}`,
      priceFactor: r.float(0.8, 1.2, 3),
    })),
    accounts: Array.from({ length: p.accounts }, (_, i) => ({ account: `acct-${pad(i + 1)}`, region: r.pick(REGIONS), tier: r.int(1, 3) })),
    categories: Array.from({ length: p.categories }, (_, i) => ({
      category: `cat-${pad(i + 1)}`,
      department: `dept-${r.int(1, 4)}`,
      taxRate: r.float(0, 0.25, 3),
    })),
    regions: REGIONS.map((region) => ({ region, fx: r.float(0.5, 1.5, 4) })),
  }
}

/** The CSV batch of one iteration, with a share of rows broken in seeded ways. */
export function dpBatch(o: ResolvedOptions, p: DpParameters, iteration: number): DpBatch {
  const r = prng(o.seed, 'dp-batch', iteration)
  const lines = [toCsvLine(['account', 'sku', 'qty', 'unit_price', 'event_time', 'note'])]
  let invalid = 0
  for (let i = 0; i < o.sizes.rows; i++) {
    const account = `acct-${pad(r.int(1, p.accounts))}`
    const sku = `sku-${pad(r.int(1, p.products))}`
    const qty: string | number = r.int(1, p.maxQty)
    const price: string | number = r.float(0.5, 250).toFixed(2)
    const time = timestampString(r.int(0, o.sizes.days * 86_400 - 1))
    // Notes sometimes need CSV quoting, so parsing does real work.
    let note = o.sizes.payloadBytes > 0 ? r.text(o.sizes.payloadBytes) : ''
    if (note && r.chance(0.2)) note = `${note.slice(0, -4)}, "x"`.slice(-o.sizes.payloadBytes)
    const fields: (string | number)[] = [account, sku, qty, price, time, note]
    if (r.chance(o.sizes.invalidRate)) {
      invalid++
      const kind = r.pick(p.errorKinds)
      if (kind === 'qty') fields[2] = r.chance(0.5) ? 0 : p.maxQty + r.int(1, 20)
      else if (kind === 'price') fields[3] = r.chance(0.5) ? 'n/a' : `-${price}`
      else if (kind === 'sku') fields[1] = `sku-x${r.int(1, 999)}`
      else if (kind === 'account') fields[0] = `acct-x${r.int(1, 999)}`
      else fields.splice(r.int(1, 4), 1)
    }
    lines.push(toCsvLine(fields))
  }
  return { iteration, source: r.pick(p.sources), csv: lines.join('\n') + '\n', rows: o.sizes.rows, invalid }
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. */
export function toCsvLine(fields: readonly (string | number)[]): string {
  return fields
    .map((f) => {
      const s = String(f)
      return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
    })
    .join(',')
}

/**
 * Parses CSV text into rows of fields (quoted fields may hold commas, quotes and line breaks).
 * A trailing line break does not make an empty last row.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch !== '"') field += ch
      else if (text[i + 1] === '"') {
        field += '"'
        i++
      } else quoted = false
    } else if (ch === '"' && field === '') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += ch
  }
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

const num = (s: string | undefined) => (s === undefined || s.trim() === '' || Number.isNaN(Number(s)) ? null : Number(s))

/** Parses a batch; lines with the wrong number of fields are kept, marked malformed, as ETL jobs keep rejects. */
export function parseBatch(csv: string): DpRow[] {
  const [, ...records] = parseCsv(csv)
  return records.map((f, i) => {
    const ok = f.length === 6
    return {
      line: i + 1,
      account: (f[0] ?? '').slice(0, 24),
      sku: (f[1] ?? '').slice(0, 24),
      qty: ok ? num(f[2]) : null,
      unitPrice: ok ? num(f[3]) : null,
      eventTime: ok ? f[4] : null,
      note: ok ? f[5] : '',
      error: ok ? null : 'malformed',
    }
  })
}

export function dataProcessing(o: ResolvedOptions, backend: DpBackend, p: DpParameters): KindWorkflow {
  const stages = DP_STAGES.slice(0, o.sizes.stages)
  const check = (what: string, got: number, expected: number, s: RunScope) => {
    if (got !== expected) throw checkFailed('data-processing', s.iteration, what, got, expected)
  }
  return {
    steps: ['ingest', 'validate', ...stages.map((st) => `transform-${st}`), 'store'],
    tables: backend.tables,
    joins: JOIN_DEPTH[o.complexity],
    parameters: { ...p },
    schema: backend.schema,
    statements: backend.statements,
    input: (iteration) => dpBatch(o, p, iteration),
    setup: () => backend.setup(dpReference(o, p)),
    counts: () => backend.counts(),
    async run(s) {
      const batch = dpBatch(o, p, s.iteration)
      const { id: batchId, rows } = await s.step('ingest', async () => {
        const parsed = parseBatch(batch.csv)
        const { id, staged } = await backend.ingest(s, batch, parsed)
        check('rows staged', staged, batch.rows, s)
        await s.redis
          ?.multi()
          .hset(`${o.prefix}batch:${id}`, 'status', 'ingested', 'rows', batch.rows)
          .expire(`${o.prefix}batch:${id}`, 3600)
          .exec()
        return { id, rows: parsed }
      })
      const valid = await s.step('validate', () => backend.validate(s, batchId, rows))
      check('valid rows', valid, batch.rows - batch.invalid, s)
      const total = rows.length
      for (const stage of stages) {
        await s.step(`transform-${stage}`, async () => {
          if (stage === 'enrich') check('facts written', await backend.enrich(s, batchId), valid, s)
          else await backend.transform(s, stage, batchId)
        })
      }
      await s.step('store', async () => {
        await backend.store(s, batchId, valid, total - valid)
        await s.redis
          ?.multi()
          .hset(`${o.prefix}batch:${batchId}`, 'status', 'stored', 'valid', valid, 'rejected', total - valid)
          .incrby(`${o.prefix}rows:valid`, valid)
          .incrby(`${o.prefix}rows:rejected`, total - valid)
          .exec()
      })
      s.ctx.counter('workflow_rows', total)
      s.ctx.counter('workflow_rows_rejected', total - valid)
    },
  }
}
