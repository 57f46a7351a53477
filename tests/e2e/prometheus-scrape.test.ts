import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../src/infra/free-port.ts'
import { fixtureDir, runFixture } from './helpers.ts'

const PROMETHEUS = '/usr/bin/prometheus'
const available = existsSync(PROMETHEUS)

// A real Prometheus (Debian's package) scrapes the live exporter during a run; its HTTP API then
// holds the run's request count. Under CI the binary must be there (.ci/run installs it).
describe.runIf(available || process.env.CI)('the Prometheus exporter, scraped by a real Prometheus', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vp-prometheus-'))
  let prometheus: ChildProcess
  let pushgateway: ChildProcess
  let gateway = ''
  let api = ''
  let exporterPort = 0

  beforeAll(async () => {
    exporterPort = await freePort()
    const port = await freePort()
    api = `http://127.0.0.1:${port}`
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: vitest-perf\n    static_configs:\n      - targets: ['127.0.0.1:${exporterPort}']\n`,
    )
    gateway = `http://127.0.0.1:${await freePort()}`
    pushgateway = spawn('/usr/bin/prometheus-pushgateway', [`--web.listen-address=${gateway.slice('http://'.length)}`], { stdio: 'ignore' })
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    )
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${api}/-/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return
      await sleep(100)
    }
    throw new Error('prometheus did not become ready')
  })

  afterAll(async () => {
    prometheus?.kill('SIGTERM')
    pushgateway?.kill('SIGTERM')
    await sleep(300)
    rmSync(dir, { recursive: true, force: true })
  })

  async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`)
    const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
    expect(body.status).toBe('success')
    return body.data.result
  }

  it("finds the run's iterations, errors by kind and latency histogram", async () => {
    const run = runFixture('prometheus', [], { EXPORTER_PORT: String(exporterPort), PUSHGATEWAY: gateway })
    expect(run.status, run.output).toBe(0)
    expect(run.output).toContain(`vitest-perf: Prometheus metrics at http://127.0.0.1:${exporterPort}/metrics`)
    const results = JSON.parse(readFileSync(path.join(fixtureDir('prometheus'), 'perf-results/results.json'), 'utf8'))
    const result = results.tests[0].results[0]
    const iterations = await query(
      'max_over_time(vitest_perf_iterations_total{test="scraped by prometheus",scenario="constant-arrival-rate"}[5m])',
    )
    expect(Number(iterations[0].value[1])).toBe(result.iterations)
    const errors = await query('max_over_time(vitest_perf_errors_total{kind="ETIMEDOUT"}[5m])')
    expect(Number(errors[0].value[1])).toBe(result.failed)
    const count = await query('max_over_time(vitest_perf_latency_seconds_count[5m])')
    expect(Number(count[0].value[1])).toBe(result.iterations)
    const under = await query('max_over_time(vitest_perf_latency_seconds_bucket{le="0.1"}[5m])')
    expect(Number(under[0].value[1])).toBeGreaterThan(result.iterations * 0.9)
    // Pushed at the end to the Pushgateway, job vitest-perf.
    const pushed = await (await fetch(`${gateway}/metrics`)).text()
    expect(pushed).toMatch(
      new RegExp(`vitest_perf_iterations_total\\{.*job="vitest-perf".*test="scraped by prometheus".*\\} ${result.iterations}`),
    )
  }, 90_000)
})
