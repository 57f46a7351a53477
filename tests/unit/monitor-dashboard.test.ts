import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXPORTED_METRICS } from '../../src/monitor/prometheus.ts'

const dir = path.resolve(import.meta.dirname, '../../docker/monitoring')

describe('the provisioned Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(path.join(dir, 'grafana/dashboards/vitest-perf.json'), 'utf8'))
  const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr))

  it('is valid JSON with panels and queries', () => {
    expect(dashboard.uid).toBe('vitest-perf')
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(6)
    expect(exprs.length).toBeGreaterThanOrEqual(10)
  })

  it('queries only metrics we export, and uses every exported metric', () => {
    const used = new Set(exprs.flatMap((e) => e.match(/vitest_perf_[a-z0-9_]+/g) ?? []).map((m) => m.replace(/_(bucket|sum|count)$/, '')))
    for (const name of used) expect(EXPORTED_METRICS, `${name} is not exported`).toContain(name)
    for (const name of EXPORTED_METRICS) expect([...used], `${name} has no panel`).toContain(name)
  })

  it('the compose file points Prometheus at the exporter and Grafana at the dashboards', () => {
    const compose = readFileSync(path.join(dir, 'compose.yml'), 'utf8')
    const prometheus = readFileSync(path.join(dir, 'prometheus.yml'), 'utf8')
    expect(compose).toMatch(/\.\/grafana\/dashboards:\/var\/lib\/grafana\/dashboards/)
    expect(prometheus).toMatch(/targets: \['host\.docker\.internal:9464'\]/)
  })
})
