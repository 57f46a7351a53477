import type { TestContext } from 'vitest'
import { perfTest, type PerfFixtures } from '../runtime/perf-test.ts'
import type { MatrixTag, MatrixValue } from '../core/result.ts'
export type Cell<D extends Record<string, readonly MatrixValue[]>> = { [K in keyof D]: D[K][number] } & { name: string }

/** What a cell's body gets: the run fixture (its results tagged with the cell) and faults. */
export type MatrixContext = Pick<PerfFixtures, 'run' | 'faults'> & Pick<TestContext, 'task' | 'signal' | 'skip'>

function product(dimensions: Record<string, readonly MatrixValue[]>): Record<string, MatrixValue>[] {
  return Object.entries(dimensions).reduce<Record<string, MatrixValue>[]>(
    (cells, [key, values]) => cells.flatMap((cell) => values.map((v) => ({ ...cell, [key]: v }))),
    [{}],
  )
}

/**
 * One perf test per cell of the cartesian product of `dimensions`, named by the cell
 * ("concurrency=10 payload=1KB"). Results are tagged so the reporter writes matrix.csv with
 * throughput per cell, scaling efficiency and the best cell under an SLO.
 */
export function matrix<D extends Record<string, readonly MatrixValue[]>>(
  name: string,
  dimensions: D,
  body: (cell: Cell<D>, context: MatrixContext) => Promise<unknown> | unknown,
): void {
  const keys = Object.keys(dimensions)
  for (const values of product(dimensions)) {
    const cellName = keys.map((k) => `${k}=${values[k]}`).join(' ')
    // Vitest reads the fixtures a test needs from its destructuring pattern: name them here.
    perfTest(`${name} [${cellName}]`, async ({ run, faults, task, signal, skip }) => {
      const cell = { ...values, name: cellName } as Cell<D>
      const tag: MatrixTag = { matrix: name, cell: values, dimensions: keys }
      // Tag every result of this cell's runs.
      const tagged = (async (...args: Parameters<typeof run>) => {
        const result = await run(...args)
        result.matrix = tag
        return result
      }) as typeof run
      await body(cell, { run: tagged, faults, task, signal, skip })
    })
  }
}

/** '16KB' → 16384: payload sizes as users write them in a matrix. */
export function bytes(size: MatrixValue): number {
  if (typeof size === 'number') return size
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*$/i.exec(size)
  if (!m) throw new TypeError(`"${size}" is not a size: write it like 512B, 4KB or 1MB`)
  return Math.round(Number(m[1]) * { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[(m[2] ?? 'B').toUpperCase() as 'B'])
}
