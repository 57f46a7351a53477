export { perf } from './plugin/perf.ts'
export { tiers } from './plugin/tiers.ts'
export type { PerfOptions } from './plugin/options.ts'
export type { TiersOptions } from './plugin/tiers.ts'
