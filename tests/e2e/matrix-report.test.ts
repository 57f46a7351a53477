import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { fixtureDir, runFixture } from './helpers.ts'

// A concurrency × payload matrix over a service whose cost grows with the payload.
it('writes matrix.csv with throughput falling as payloads grow, and a report section', () => {
  const run = runFixture('matrix')
  const dir = path.join(fixtureDir('matrix'), 'perf-results')
  const lines = readFileSync(path.join(dir, 'matrix.csv'), 'utf8').trim().split('\n')
  expect(lines[0]).toBe('matrix,concurrency,payload,throughput_per_s,p50_ms,p95_ms,p99_ms,error_rate,scaling_efficiency,slo_met')
  const rows = lines.slice(1).map((l) => l.split(','))
  expect(rows, run.output).toHaveLength(6)
  for (const concurrency of ['1', '4']) {
    const cells = rows.filter((r) => r[1] === concurrency)
    const throughput = (payload: string) => Number(cells.find((r) => r[2] === payload)![3])
    const p50 = (payload: string) => Number(cells.find((r) => r[2] === payload)![4])
    expect(throughput('1KB')).toBeGreaterThan(throughput('16KB'))
    expect(throughput('16KB')).toBeGreaterThan(throughput('128KB'))
    expect(p50('128KB')).toBeGreaterThan(p50('1KB'))
  }
  // Scaling efficiency against the smallest concurrency for the same payload: 1 for itself.
  expect(rows.filter((r) => r[1] === '1').every((r) => r[8] === '1')).toBe(true)
  const report = readFileSync(path.join(dir, 'report.md'), 'utf8')
  expect(report).toMatch(/### Matrix: store/)
  expect(report).toMatch(/\| concurrency \| payload \| throughput \| p95 \| errors \| scaling \| SLO \|/)
  expect(report).toMatch(/Best cell under the SLO: \*\*concurrency=\d payload=\w+\*\*|No cell met its SLO/)
})
