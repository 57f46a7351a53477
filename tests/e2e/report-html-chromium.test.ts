import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { runLoad } from '../../src/index.ts'
import type { PerfTestEntry } from '../../src/reporters/collect.ts'
import { resolveKpi } from '../../src/reporters/kpi.ts'
import { writeReports } from '../../src/reporters/write-reports.ts'
import { startTarget } from './fixtures/report/target-server.ts'

const CHROMIUM = '/usr/bin/chromium'
const root = path.resolve(import.meta.dirname, '../..')
const missing = existsSync(CHROMIUM)
  ? undefined
  : `Chromium is not installed at ${CHROMIUM}: run "apt-get install -y chromium fonts-liberation" to check the HTML report in a browser`

/** Skips with the reason when run by hand; under CI a missing browser is a failure. */
function requireChromium(ctx: TestContext): void {
  if (!missing) return
  if (process.env.CI) throw new Error(`${missing} (CI is set, so this fails instead of skipping)`)
  ctx.skip(missing)
}

async function measure(): Promise<PerfTestEntry[]> {
  const target = await startTarget()
  const pool = new Pool(target.url, { connections: 64 })
  const get = async (p: string) => {
    const res = await pool.request({ path: p, method: 'GET' })
    await res.body.text()
    if (res.statusCode >= 500) throw Object.assign(new Error(`HTTP ${res.statusCode}`), { code: `HTTP_${res.statusCode}` })
  }
  try {
    // A real fault: /checkout turns into /slow (40 ms) for one second in the middle of the run.
    let fault = false
    const slow = { name: 'latency +40 ms', start: async () => void (fault = true), stop: async () => void (fault = false) }
    const checkout = await runLoad(
      { executor: 'constant-arrival-rate', rate: 60, duration: '4s', maxVUs: 40, thresholds: { latency: ['p(95)<250ms'] } },
      () => get(fault ? '/slow' : '/checkout'),
      { name: 'checkout with a latency fault', attach: false, faults: [{ at: '1500ms', duration: '1s', fault: slow }] },
    )
    const search = await runLoad(
      {
        executor: 'ramping-vus',
        stages: [
          { duration: '2s', target: 10 },
          { duration: '1s', target: 10 },
        ],
      },
      () => get('/search'),
      {
        name: 'search with ramping VUs',
        attach: false,
      },
    )
    const file = 'tests/e2e/report-html-chromium.test.ts'
    return [
      { project: 'e2e', file, test: 'checkout with a latency fault', state: 'passed', results: [checkout] },
      { project: 'e2e', file, test: 'search with ramping VUs', state: 'passed', results: [search] },
    ]
  } finally {
    await pool.close()
    ;(target.server as Server).close()
  }
}

describe('report.html in headless Chromium', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vitest-perf-report-'))
  const userData = mkdtempSync(path.join(tmpdir(), 'vitest-perf-chromium-'))
  const requests: string[] = []
  const consoleErrors: string[] = []
  let html: string
  let context: BrowserContext | undefined
  let page: Page

  beforeAll(async () => {
    const [file] = await writeReports(dir, await measure(), { formats: ['html'], kpi: resolveKpi() })
    html = readFileSync(file, 'utf8')
    if (missing) return
    context = await chromium.launchPersistentContext(userData, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    })
    context.on('request', (r) => requests.push(r.url()))
    page = await context.newPage()
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(String(e)))
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
    await page.waitForSelector('html[data-charts-drawn]', { timeout: 15_000 })
  }, 120_000)

  afterAll(async () => {
    await context?.close()
    rmSync(dir, { recursive: true, force: true })
    rmSync(userData, { recursive: true, force: true })
  })

  it('is one self-contained file: the chart library inlined, nothing to fetch', () => {
    expect(html).toContain('https://github.com/leeoniya/uPlot')
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|url\(http/i)
    expect(html).toContain(`default-src 'none'`)
  })

  it('loads without console errors and without any request but the file itself', (ctx) => {
    requireChromium(ctx)
    expect(consoleErrors).toEqual([])
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatch(/^file:\/\/.*report\.html$/)
  })

  it('draws every chart, resources and fault windows included', async (ctx) => {
    requireChromium(ctx)
    const charts = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('figure.chart > div[id]')).map((el) => {
        const canvas = el.querySelector('canvas')
        if (!canvas) return { id: el.id, coloured: 0, shaded: 0 }
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)
        let coloured = 0
        let shaded = 0
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]]
          // Series strokes are saturated; axes and grid are grey; fault shading is rgba(220, 38, 38, 0.1).
          if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++
          if (Math.abs(a - 26) <= 3 && Math.abs(r - 220) <= 8 && Math.abs(g - 38) <= 10 && Math.abs(b - 38) <= 10) shaded++
        }
        return { id: el.id, coloured, shaded }
      }),
    )
    // The monitor samples every run once a second: memory, CPU, event loop and handles.
    const perRun = [
      'latency',
      'throughput',
      'vus',
      'distribution',
      'resources-memory',
      'resources-cpu',
      'resources-eventloop',
      'resources-handles',
    ]
    expect(charts.map((c) => c.id)).toEqual([...perRun.map((c) => `run-1-${c}`), ...perRun.map((c) => `run-2-${c}`)])
    for (const c of charts) expect(c.coloured, `${c.id} has no drawn series`).toBeGreaterThan(100)
    const faulted = charts.filter((c) => c.shaded > 1000).map((c) => c.id)
    expect(faulted).toEqual(perRun.filter((c) => c !== 'distribution').map((c) => `run-1-${c}`))
    expect(await page.getAttribute('html', 'data-charts-drawn')).toBe(String(charts.length))
  })

  it('saves a screenshot to perf-results/report.png for people to look at', async (ctx) => {
    requireChromium(ctx)
    mkdirSync(path.join(root, 'perf-results'), { recursive: true })
    const png = await page.screenshot({ path: path.join(root, 'perf-results/report.png'), fullPage: true })
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.length).toBeGreaterThan(50_000)
  })
})
