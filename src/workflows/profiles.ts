export const WORKFLOW_KINDS = ['data-processing', 'analytics', 'transformation'] as const
export type WorkflowKind = (typeof WORKFLOW_KINDS)[number]

export const COMPLEXITIES = ['simple', 'medium', 'complex'] as const
export type WorkflowComplexity = (typeof COMPLEXITIES)[number]

/**
 * The sizes and shapes a workflow works with. Each kind reads the fields that apply to it; all
 * can be overridden in workflows.generate().
 */
export interface WorkflowSizes {
  /** Rows per ingested CSV batch (data-processing), records generated per run (transformation), report rows (analytics' top N). */
  rows: number
  /** Transform stages (data-processing, 1–4), aggregate queries (analytics, 1–3), write stages after grouping (transformation, 1–3). */
  stages: number
  /** Reference rows created by setup(): products (data-processing), orders (analytics), group dimensions (transformation). */
  referenceRows: number
  /** Distinct categories or group keys: how much the aggregates fan out (and how hot their rows are). */
  categories: number
  /** Characters of free text per row: wider rows without more of them. */
  payloadBytes: number
  /** Share of generated input rows that are invalid (data-processing) or filtered out (transformation), 0–1. */
  invalidRate: number
  /** Distinct analytics queries a run picks from: the key space of the cache, so its hit rate. */
  queries: number
  /** Seconds a cached analytics result lives. */
  cacheTtl: number
  /** Days the generated dates are spread over. */
  days: number
  /**
   * Rows each aggregate key is striped over (by batch or run id): concurrent writers of the same
   * day and category then lock different rows, as striped counters do. 1 = one hot row per key.
   */
  stripes: number
}

/** Joins per statement grow with complexity: 1 = one lookup table, 4 = every dimension plus CTEs. */
export const JOIN_DEPTH: Record<WorkflowComplexity, number> = { simple: 1, medium: 2, complex: 4 }

export const MAX_STAGES: Record<WorkflowKind, number> = { 'data-processing': 4, analytics: 3, transformation: 3 }

const common = { invalidRate: 0.05, cacheTtl: 60, stripes: 8 }

export const PROFILES: Record<WorkflowKind, Record<WorkflowComplexity, WorkflowSizes>> = {
  'data-processing': {
    simple: { ...common, rows: 20, stages: 1, referenceRows: 50, categories: 4, payloadBytes: 0, queries: 0, days: 7 },
    medium: { ...common, rows: 100, stages: 2, referenceRows: 200, categories: 8, payloadBytes: 24, queries: 0, days: 14 },
    complex: { ...common, rows: 400, stages: 4, referenceRows: 1000, categories: 16, payloadBytes: 64, queries: 0, days: 30 },
  },
  analytics: {
    simple: { ...common, rows: 10, stages: 1, referenceRows: 500, categories: 4, payloadBytes: 0, queries: 20, days: 30 },
    medium: { ...common, rows: 20, stages: 2, referenceRows: 3000, categories: 8, payloadBytes: 24, queries: 50, days: 60 },
    complex: { ...common, rows: 50, stages: 3, referenceRows: 10000, categories: 16, payloadBytes: 64, queries: 100, days: 90 },
  },
  transformation: {
    simple: { ...common, rows: 50, stages: 1, referenceRows: 5, categories: 5, payloadBytes: 0, queries: 0, days: 7 },
    medium: { ...common, rows: 200, stages: 2, referenceRows: 10, categories: 10, payloadBytes: 24, queries: 0, days: 14 },
    complex: { ...common, rows: 600, stages: 3, referenceRows: 20, categories: 20, payloadBytes: 64, queries: 0, days: 30 },
  },
}

export const SIZE_LIMITS: Record<keyof WorkflowSizes, { min: number; max: number; integer: boolean }> = {
  rows: { min: 1, max: 100_000, integer: true },
  stages: { min: 1, max: 4, integer: true },
  referenceRows: { min: 1, max: 1_000_000, integer: true },
  categories: { min: 1, max: 1_000, integer: true },
  payloadBytes: { min: 0, max: 100_000, integer: true },
  invalidRate: { min: 0, max: 1, integer: false },
  queries: { min: 1, max: 1_000_000, integer: true },
  cacheTtl: { min: 1, max: 86_400 * 30, integer: true },
  days: { min: 1, max: 3_650, integer: true },
  stripes: { min: 1, max: 1_024, integer: true },
}

/** Short names for the default table prefix (`dp42m_`): identifiers stay far below 63 characters. */
export const KIND_ABBREV: Record<WorkflowKind, string> = { 'data-processing': 'dp', analytics: 'an', transformation: 'tr' }
