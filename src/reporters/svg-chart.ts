import { escapeHtml } from '../core/escape.ts'
import type { ChartSpec } from './html-data.ts'

// A static drawing of report.html's chart specs, for places that show images but run no script
// (Vitest's UI shows an annotation's image attachment inline). Same data, colours and steps.
const WIDTH = 640
const PANEL = 170
const HEADER = 26
const PAD = { left: 66, right: 14, top: 30, bottom: 24 }
// More points than the plot has pixels only make the file bigger: each bucket keeps its extremes.
const MAX_POINTS = 1200

const num = (v: number) => String(Math.round(v * 10) / 10)

/** An axis label with as many decimals as the step between labels needs: `0 ms`, `50 ms`, `1.5 s`. */
export function formatTick(v: number, unit: string, step: number): string {
  const seconds = unit === 'ms' && step >= 500
  const scale = seconds ? 1000 : 1
  const digits = Math.min(3, Math.max(0, Math.ceil(-Math.log10(step / scale) - 1e-9)))
  const text = (v / scale).toFixed(digits)
  if (seconds) return `${text} s`
  if (unit === 'ms' || unit === 'MB') return `${text} ${unit}`
  return `${text}${unit}`
}

function formatSeconds(v: number): string {
  if (v < 120) return `${+v.toFixed(2)}s`
  const m = Math.floor(v / 60)
  const s = Math.round(v - m * 60)
  return s ? `${m}m${s}s` : `${m}m`
}

/** A round step (1, 2 or 5 × 10^k) that cuts 0…max into about `parts` parts. */
export function niceStep(max: number, parts: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1
  const raw = max / parts
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)
  return step ?? 10 * power
}

/** Keeps at most `max` points: the first x of each bucket, each series' lowest and highest value in it. */
export function thin(x: number[], series: (number | null)[][], max = MAX_POINTS): { x: number[]; series: (number | null)[][] } {
  if (x.length <= max) return { x, series }
  const size = Math.ceil(x.length / Math.floor(max / 2))
  const outX: number[] = []
  const out = series.map((): (number | null)[] => [])
  for (let start = 0; start < x.length; start += size) {
    const end = Math.min(start + size, x.length)
    const mid = x[Math.min(start + Math.floor(size / 2), end - 1)]
    outX.push(x[start], mid)
    series.forEach((values, s) => {
      const bucket = values.slice(start, end).filter((v): v is number => v !== null)
      const low = bucket.length ? Math.min(...bucket) : null
      const high = bucket.length ? Math.max(...bucket) : null
      // Keep the order of the extremes, so a rise stays a rise.
      const first = bucket.indexOf(low as number) <= bucket.indexOf(high as number)
      out[s].push(first ? low : high, first ? high : low)
    })
  }
  return { x: outX, series: out }
}

/** One path per series; null values break the line. Stepped values hold until the next x. */
function seriesPath(x: number[], values: (number | null)[], stepped: boolean, px: (v: number) => number, py: (v: number) => number) {
  const parts: string[] = []
  let open = false
  for (let i = 0; i < x.length; i++) {
    const v = values[i]
    if (v === null || !Number.isFinite(v)) {
      open = false
      continue
    }
    const X = num(px(x[i]))
    const Y = num(py(v))
    if (!open) parts.push(`M${X} ${Y}`)
    else parts.push(stepped ? `V${Y}` : `L${X} ${Y}`)
    if (stepped && i < x.length - 1) parts.push(`H${num(px(x[i + 1]))}`)
    open = true
  }
  return parts.join('')
}

function panel(spec: ChartSpec, top: number): string {
  const plot = { left: PAD.left, top: top + PAD.top, width: WIDTH - PAD.left - PAD.right, height: PANEL - PAD.top - PAD.bottom }
  const { x, series } = thin(
    spec.x,
    spec.series.map((s) => s.values),
  )
  const xMax = Math.max(spec.xMax ?? 0, x[x.length - 1] ?? 0) || 1
  const yMaxRaw = Math.max(0, ...series.flat().filter((v): v is number => v !== null && Number.isFinite(v)))
  const yStep = niceStep(yMaxRaw * 1.08, 4)
  const yMax = Math.max(yStep, Math.ceil((yMaxRaw * 1.08) / yStep) * yStep)
  const px = (v: number) => plot.left + (v / xMax) * plot.width
  const py = (v: number) => plot.top + plot.height - (v / yMax) * plot.height
  const out: string[] = []
  out.push(`<text x="${PAD.left}" y="${top + 16}" class="title">${escapeHtml(spec.title)}</text>`)
  let lx = WIDTH - PAD.right
  for (const s of [...spec.series].reverse()) {
    const label = escapeHtml(s.label)
    lx -= 26 + s.label.length * 6.2
    out.push(
      `<line x1="${num(lx)}" y1="${top + 12}" x2="${num(lx + 14)}" y2="${top + 12}" stroke="${escapeHtml(s.color)}" stroke-width="3"/>`,
      `<text x="${num(lx + 18)}" y="${top + 16}" class="legend">${label}</text>`,
    )
  }
  for (const f of spec.faults) {
    const x0 = Math.max(plot.left, px(f.start))
    const x1 = Math.min(plot.left + plot.width, Math.max(px(f.end), x0 + 2))
    out.push(
      `<rect x="${num(x0)}" y="${plot.top}" width="${num(x1 - x0)}" height="${plot.height}" fill="rgb(220,38,38)" fill-opacity="0.1"/>`,
      `<text x="${num(x0 + 4)}" y="${plot.top + 12}" class="fault">${escapeHtml(f.label)}</text>`,
    )
  }
  for (let v = 0; v <= yMax + yStep / 1e6; v += yStep) {
    const y = num(py(v))
    out.push(
      `<line x1="${plot.left}" y1="${y}" x2="${plot.left + plot.width}" y2="${y}" class="grid"/>`,
      `<text x="${plot.left - 6}" y="${y}" dy="4" text-anchor="end" class="axis">${escapeHtml(formatTick(v, spec.units[0] ?? '', yStep))}</text>`,
    )
  }
  const xStep = niceStep(xMax, 6)
  for (let v = 0; v <= xMax + xStep / 1e6; v += xStep) {
    out.push(
      `<text x="${num(px(v))}" y="${plot.top + plot.height + 16}" text-anchor="middle" class="axis">${escapeHtml(formatSeconds(v))}</text>`,
    )
  }
  out.push(
    `<line x1="${plot.left}" y1="${plot.top + plot.height}" x2="${plot.left + plot.width}" y2="${plot.top + plot.height}" class="base"/>`,
  )
  spec.series.forEach((s, i) => {
    const d = seriesPath(x, series[i], spec.stepped === true, px, py)
    if (d) out.push(`<path d="${d}" fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.8" stroke-linejoin="round"/>`)
  })
  return out.join('\n')
}

/**
 * One SVG image with the given time charts stacked under a title: no script, no external
 * reference, every text escaped, so it is safe to open as a document too.
 */
export function renderSvgCharts(title: string, specs: readonly ChartSpec[]): string {
  const height = HEADER + specs.length * PANEL
  const panels = specs.map((spec, i) => panel(spec, HEADER + i * PANEL))
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">
<style>.title{font-size:12px;font-weight:600;fill:#111827}.legend{font-size:11px;fill:#374151}.axis{font-size:10px;fill:#4b5563}.fault{font-size:10px;fill:#b91c1c}.grid{stroke:#e5e7eb}.base{stroke:#9ca3af}.head{font-size:13px;font-weight:600;fill:#111827}</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="10" y="18" class="head">${escapeHtml(title)}</text>
${panels.join('\n')}
</svg>
`
}
