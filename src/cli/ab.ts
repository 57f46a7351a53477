import { parseArgs } from 'node:util'
import { runAb } from '../ab/run-ab.ts'

const HELP =
  'usage: vitest-perf ab --base <git ref> [--out perf-results/ab] [--alpha 0.01] [--normalize] [--timeout 600] [-- <vitest args>]'

/** `vitest-perf ab`: the selected perf tests of a base revision and the work tree, in turns; exits 1 on a regression or a failed test. */
export async function abCommand(args: string[]): Promise<number> {
  const dash = args.indexOf('--')
  const own = dash < 0 ? args : args.slice(0, dash)
  const vitestArgs = dash < 0 ? [] : args.slice(dash + 1)
  let parsed
  try {
    parsed = parseArgs({
      args: own,
      options: {
        base: { type: 'string' },
        out: { type: 'string' },
        alpha: { type: 'string' },
        normalize: { type: 'boolean' },
        timeout: { type: 'string' },
      },
    })
  } catch (e) {
    console.error(`vitest-perf ab: ${(e as Error).message}\n${HELP}`)
    return 2
  }
  const { base, out = 'perf-results/ab', alpha, normalize, timeout = '600' } = parsed.values
  const alphaValue = alpha === undefined ? undefined : Number(alpha)
  const timeoutS = Number(timeout)
  if (!base || (alphaValue !== undefined && !(alphaValue > 0 && alphaValue < 1)) || !(timeoutS > 0)) {
    console.error(
      `vitest-perf ab: --base names the revision to compare with (a branch, tag or commit, e.g. origin/main); --alpha is between 0 and 1; --timeout is seconds above 0.\n${HELP}`,
    )
    return 2
  }
  return runAb({
    base,
    vitestArgs,
    out,
    alpha: alphaValue,
    normalize: normalize === true,
    timeoutMs: timeoutS * 1000,
    cwd: process.cwd(),
    log: (line) => console.error(line),
  })
}
