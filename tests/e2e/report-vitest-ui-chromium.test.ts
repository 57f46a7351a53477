import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { fixtureDir, runFixture, type VitestRun } from './helpers.ts'

const CHROMIUM = '/usr/bin/chromium'
const root = path.resolve(import.meta.dirname, '../..')
const html = path.join(fixtureDir('annotate'), 'perf-results/vitest-html')
const missing = existsSync(CHROMIUM)
  ? undefined
  : `Chromium is not installed at ${CHROMIUM}: run "apt-get install -y chromium fonts-liberation" to check the annotations in Vitest's UI`

/** Skips with the reason when run by hand; under CI a missing browser is a failure. */
function requireChromium(ctx: TestContext): void {
  if (!missing) return
  if (process.env.CI) throw new Error(`${missing} (CI is set, so this fails instead of skipping)`)
  ctx.skip(missing)
}

/** The data the HTML reporter wrote for its page (flatted JSON, gzipped): searched as text. */
const reportData = () => gunzipSync(readFileSync(path.join(html, 'ui/html.meta.json.gz'))).toString('utf8')

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' }

/** The report over loopback HTTP, as `vite preview` would serve it: its page fetches its data, which file:// forbids. */
async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = path.join(dir, pathname.endsWith('/') ? `${pathname}index.html` : pathname)
    if (!file.startsWith(dir + path.sep)) return void res.writeHead(403).end()
    try {
      const body = await readFile(file)
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }
}

/**
 * Clicks the test in the UI's explorer and returns its annotation with `marker`. The explorer's
 * list reuses its row elements while it settles, so a click can land on the other test: it
 * clicks again then.
 */
async function openAnnotation(page: Page, test: string, marker: string) {
  const note = page.locator('[role="note"]').filter({ hasText: marker })
  for (let attempt = 1; ; attempt++) {
    await page.getByText(test, { exact: true }).first().click()
    try {
      await note.waitFor({ state: 'visible', timeout: 5_000 })
      return note
    } catch (error) {
      if (attempt === 4) throw error
    }
  }
}

describe("a perf test's annotation in Vitest's UI (HTML reporter, headless Chromium)", () => {
  const userData = mkdtempSync(path.join(tmpdir(), 'vitest-perf-chromium-'))
  const requests: string[] = []
  const pageErrors: string[] = []
  let off: { run: VitestRun; data: string }
  let run: VitestRun
  let site: { url: string; server: Server } | undefined
  let context: BrowserContext | undefined
  let page: Page

  beforeAll(async () => {
    // perf({ annotate: false }) first: the second run replaces its perf-results/.
    const offRun = runFixture('annotate', [], { VITEST_PERF_FIXTURE_ANNOTATE: '0' })
    off = { run: offRun, data: existsSync(html) ? reportData() : '' }
    run = runFixture('annotate')
    if (missing || run.status !== 0) return
    site = await serve(html)
    context = await chromium.launchPersistentContext(userData, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 860 },
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
    // Vitest's UI asks Google for its web font; CI has no network, and the test needs none.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort())
    page = await context.newPage()
    page.on('pageerror', (e) => pageErrors.push(String(e)))
    await page.goto(site.url, { waitUntil: 'load' })
  }, 360_000)

  afterAll(async () => {
    await context?.close()
    site?.server.close()
    rmSync(userData, { recursive: true, force: true })
  })

  it("records one annotation per run, with an SVG image, in the HTML reporter's data", () => {
    expect(run.status, run.output).toBe(0)
    expect(run.output).toContain('HTML  Report is generated')
    const data = reportData()
    // flatted stores equal strings once: count the SVG bodies (base64 of '<svg xmlns="'), not their content type.
    expect(data).toContain('"image/svg+xml"')
    expect(data.match(/"PHN2ZyB4bWxucz0i/g)).toHaveLength(2)
    expect(data).toMatch(
      /"constant-arrival-rate · [\d,]+ iterations · [\d.]+\/s · p50 [\d.]+ m?s · p95 [\d.]+ m?s · p99 [\d.]+ m?s · errors /,
    )
    expect(data).toMatch(/"constant-vus · [\d,]+ iterations · [\d.]+\/s · p50 /)
  })

  it('records none with perf({ annotate: false })', () => {
    expect(off.run.status, off.run.output).toBe(0)
    expect(off.data).toContain('checkout at a steady 50/s')
    expect(off.data).not.toContain('image/svg+xml')
    expect(off.data).not.toContain('PHN2ZyB4bWxucz0i')
    expect(off.data).not.toMatch(/constant-arrival-rate · \d+ iterations/)
  })

  it('shows the perf test’s summary line and its charts beside the test', async (ctx) => {
    requireChromium(ctx)
    const note = await openAnnotation(page, 'checkout at a steady 50/s', 'constant-arrival-rate')
    const text = await note.innerText()
    expect(text).toContain('vitest-perf')
    expect(text).toMatch(/[\d,]+ iterations · [\d.]+\/s · p50 [\d.]+ m?s · p95 [\d.]+ m?s · p99 [\d.]+ m?s · errors [\d,]+/)
    expect(text).toContain('pass (2 thresholds)')
    expect(text).toContain('checkout.perf.ts:')
    const image = note.locator('img')
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640)
    expect(await image.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/)
    const box = await image.boundingBox()
    expect(box?.width).toBeGreaterThan(400)
    expect(box?.height).toBeGreaterThan(250)
    mkdirSync(path.join(root, 'test-results'), { recursive: true })
    const png = await page.screenshot({ path: path.join(root, 'test-results/vitest-ui-annotation.png') })
    expect(png.subarray(1, 4).toString()).toBe('PNG')
  })

  it('annotates a bare runLoad() in a plain test() too', async (ctx) => {
    requireChromium(ctx)
    const note = await openAnnotation(page, 'search with runLoad in a plain test', 'constant-vus')
    expect(await note.innerText()).toMatch(/constant-vus · [\d,]+ iterations · [\d.]+\/s · p50 .* · no thresholds/)
    await expect.poll(() => note.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(640)
  })

  it('loads without page errors; the charts are inline data, nothing is fetched for them', (ctx) => {
    requireChromium(ctx)
    expect(pageErrors).toEqual([])
    // The one outside request is the UI's own web font (aborted above).
    const outside = requests.filter((u) => !u.startsWith(site!.url) && !u.startsWith('data:'))
    expect(outside.filter((u) => !u.startsWith('https://fonts.googleapis.com/'))).toEqual([])
  })
})
