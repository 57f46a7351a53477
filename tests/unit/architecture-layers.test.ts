import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cruise } from 'dependency-cruiser'
import { describe, expect, it } from 'vitest'

// The layering of docs/architecture.md, checked on every test run (also `npm run check:deps`).
const rules = createRequire(import.meta.url)('../../.dependency-cruiser.cjs')

describe('architecture', () => {
  it('src/ follows the import rules: no cycles, each folder imports only the layers below it', async () => {
    const result = await cruise(['src'], { ruleSet: { forbidden: rules.forbidden }, ...rules.options, validate: true, outputType: 'err' })
    const output = typeof result.output === 'string' ? result.output : ''
    expect(result.exitCode, output).toBe(0)
  }, 60_000)

  it('the rules bite: an upward import and a cycle between folders are reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitest-perf-layers-'))
    try {
      mkdirSync(join(dir, 'src/core'), { recursive: true })
      mkdirSync(join(dir, 'src/engine'), { recursive: true })
      writeFileSync(join(dir, 'src/core/a.ts'), "import { b } from '../engine/b.ts'\nexport const a = b\n")
      writeFileSync(join(dir, 'src/engine/b.ts'), "import type { a } from '../core/a.ts'\nexport const b = 1 as typeof a\n")
      const result = await cruise(['src'], {
        ruleSet: { forbidden: rules.forbidden },
        tsPreCompilationDeps: true,
        baseDir: dir,
        validate: true,
        outputType: 'json',
      })
      const violations = (typeof result.output === 'string' ? JSON.parse(result.output) : result.output).summary.violations as {
        rule: { name: string }
      }[]
      expect(violations.map((v) => v.rule.name).sort()).toEqual(['layer-core', 'no-cycles'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
