import { readFileSync } from 'node:fs'
import { ESLint } from 'eslint'
import { glob } from 'node:fs/promises'
import * as prettier from 'prettier'
import { describe, expect, it } from 'vitest'

// The lint and format checks of `npm run lint`, as tests so that `npm test` and CI run them.
describe('code style', () => {
  it('ESLint finds no problem', async () => {
    const eslint = new ESLint()
    const results = await eslint.lintFiles(['.'])
    const problems = results.filter((r) => r.errorCount + r.warningCount > 0)
    const text = (await eslint.loadFormatter('stylish')).format(problems)
    expect(problems.length, `ESLint found problems (npm run format fixes most):\n${text}`).toBe(0)
  }, 120_000)

  it('every TypeScript file is formatted by Prettier', async () => {
    const unformatted: string[] = []
    for await (const file of glob(['{src,tests,bench,scripts,examples}/**/*.ts', '*.{ts,js,cjs}'], {
      exclude: (f) => f.includes('node_modules'),
    })) {
      const options = await prettier.resolveConfig(file)
      if (!(await prettier.check(readFileSync(file, 'utf8'), { ...options, filepath: file }))) unformatted.push(file)
    }
    expect(unformatted, 'not formatted: run npm run format').toEqual([])
  }, 120_000)
})
