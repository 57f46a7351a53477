import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixtureDir } from './helpers.ts'

const SCRIPT = '/usr/bin/script'
const COLS = 120
const SYNC_END = '\x1b[?2026l'
const vitestBin = path.resolve(import.meta.dirname, '../../node_modules/vitest/vitest.mjs')

/** Runs the live-progress fixture in a pseudo-terminal (util-linux script) and returns its raw bytes. */
function runInPty(env: Record<string, string | undefined>): { status: number | null; raw: string } {
  const dir = fixtureDir('live-progress')
  rmSync(path.join(dir, 'perf-results'), { recursive: true, force: true })
  const q = (s: string) => `'${s}'`
  const cmd = `stty cols ${COLS} rows 40; exec ${q(process.execPath)} ${q(vitestBin)} run --config ${q(path.join(dir, 'vitest.config.ts'))}`
  // Vitest (std-env) takes CI from these; the TTY case must not inherit ours.
  const { CI: _ci, GITHUB_ACTIONS: _gha, FORCE_COLOR: _color, ...rest } = process.env
  const result = spawnSync(SCRIPT, ['-qfec', cmd, '/dev/null'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...rest, NO_COLOR: '1', ...env },
  })
  return { status: result.status, raw: `${result.stdout}${result.stderr}` }
}

/**
 * A small terminal: text, CR/LF, erase-in-line and cursor up/column, the rest ignored (colours,
 * synchronized output, cursor visibility). `onFrame` sees the screen after each redraw frame.
 */
function replay(raw: string, onFrame: (screen: string[]) => void = () => {}): string[] {
  const screen: string[][] = [[]]
  let row = 0
  let col = 0
  const line = () => (screen[row] ??= [])
  const text = () =>
    screen.map((l) =>
      l
        .map((c) => c ?? ' ')
        .join('')
        .trimEnd(),
    )
  const tokens = raw.match(/\x1b\[[?\d;]*[A-Za-z]|\r|\n|[^\x1b\r\n]/gu) ?? []
  for (const t of tokens) {
    if (t === '\r') col = 0
    else if (t === '\n') row++
    else if (t.startsWith('\x1b[')) {
      const n = Number(t.slice(2, -1).replace('?', '')) || 0
      const op = t.at(-1)
      if (op === 'K') line().length = Math.min(line().length, col)
      else if (op === 'A') row = Math.max(0, row - Math.max(1, n))
      else if (op === 'G') col = Math.max(0, n - 1)
      if (t === SYNC_END) onFrame(text())
    } else {
      if (col >= COLS) {
        row++
        col = 0
      }
      line()[col++] = t
    }
  }
  return text()
}

const rowOf = (name: string) =>
  new RegExp(`^ vitest-perf {2}${name} {2}(\\d+)s, \\d+s left \\| [\\d.]+/s \\| p95 [\\d.]+ms \\| errors 0 \\| dropped 0$`)
const checkout = rowOf('checkout soak')
const search = rowOf('search soak')

describe.runIf(existsSync(SCRIPT) || process.env.CI)('live progress in a real pseudo-terminal', () => {
  it("redraws one row per running perf test inside Vitest's window, and leaves Vitest's output intact", () => {
    const { status, raw } = runInPty({})
    expect(status, raw).toBe(0)
    // Our row arrives inside Vitest's redraw: erase the window (cursor up + erase line), draw it again.
    expect(raw).toMatch(/\x1b\[1A\x1b\[K\r\n vitest-perf {2}(checkout|search) soak {2}\d+s, \d+s left/)
    const seconds = new Set<string>()
    let both = 0
    replay(raw, (screen) => {
      // Never a stale copy: each row and Vitest's summary at most once on the screen.
      expect(screen.filter((l) => checkout.test(l)).length, screen.join('\n')).toBeLessThanOrEqual(1)
      expect(screen.filter((l) => search.test(l)).length, screen.join('\n')).toBeLessThanOrEqual(1)
      expect(screen.filter((l) => l.includes('Test Files')).length, screen.join('\n')).toBeLessThanOrEqual(1)
      const row = screen.find((l) => checkout.test(l))
      if (row) seconds.add(checkout.exec(row)![1])
      if (row && screen.some((l) => search.test(l))) both++
    })
    expect(seconds.size, 'the checkout row was updated in place').toBeGreaterThanOrEqual(2)
    expect(both, 'both running tests had a row at once').toBeGreaterThan(0)
    const final = replay(raw)
    // A miscounted window leaves its top rows behind as blank lines: Vitest's own output never has two.
    expect(final.join('\n').trim(), final.join('\n')).not.toContain('\n\n\n')
    expect(
      final.some((l) => l.includes('vitest-perf  ')),
      final.join('\n'),
    ).toBe(false)
    expect(
      final.filter((l) => /^ ✓ (checkout|search)\.perf\.ts \(1 test\) \d+ms$/.test(l)),
      final.join('\n'),
    ).toHaveLength(2)
    expect(final).toContain(' Test Files  2 passed (2)')
    expect(final).toContain('      Tests  2 passed (2)')
    expect(final.filter((l) => l === 'checkout: halfway')).toHaveLength(1)
    expect(final).toContain('vitest-perf: wrote perf-results/results.json')
  }, 150_000)

  it('keeps plain lines under CI, even in a TTY: no window, no row', () => {
    const { status, raw } = runInPty({ CI: 'true' })
    expect(status, raw).toBe(0)
    expect(raw).not.toContain('\x1b[?2026h')
    expect(raw).not.toContain('vitest-perf  ')
    expect(replay(raw)).toContain(' Test Files  2 passed (2)')
  }, 150_000)
})
