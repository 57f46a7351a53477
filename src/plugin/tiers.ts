import type { TestProjectInlineConfiguration } from 'vitest/config'

export interface TiersOptions {
  /** Globs per tier; defaults follow the tests/unit, tests/integration, tests/endurance layout. */
  unit?: string[]
  integration?: string[]
  endurance?: string[]
  /** Per-test timeouts in ms. */
  timeouts?: { unit?: number; integration?: number; endurance?: number }
}

/**
 * The three tiers as Vitest projects. Tiers run one after another (groupOrder) and perf files in
 * tier2/tier3 run one at a time, so measurements do not disturb each other.
 */
export function tiers(options: TiersOptions = {}): TestProjectInlineConfiguration[] {
  const t = options.timeouts ?? {}
  return [
    {
      extends: true,
      test: {
        name: 'tier1',
        include: options.unit ?? ['tests/unit/**/*.test.ts'],
        testTimeout: t.unit ?? 5_000,
        sequence: { groupOrder: 0 },
      },
    },
    {
      extends: true,
      test: {
        name: 'tier2',
        include: options.integration ?? ['tests/integration/**/*.test.ts'],
        testTimeout: t.integration ?? 120_000,
        hookTimeout: t.integration ?? 120_000,
        fileParallelism: false,
        sequence: { groupOrder: 1 },
      },
    },
    {
      extends: true,
      test: {
        name: 'tier3',
        include: options.endurance ?? ['tests/endurance/**/*.test.ts'],
        testTimeout: t.endurance ?? 24 * 3_600_000,
        hookTimeout: t.endurance ?? 600_000,
        fileParallelism: false,
        sequence: { groupOrder: 2 },
      },
    },
  ]
}
