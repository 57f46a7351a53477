// The public API as api-extractor sees it in the built declarations: one report per entry point
// in api/, reviewed like code. `npm run api:update` writes them, `npm run api:check` only compares
// (tests/e2e/package-build.test.ts runs the check on a fresh build). A type that a public signature
// uses but no entry exports (ae-forgotten-export) is an error in both modes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CompilerState, Extractor, ExtractorConfig, type ExtractorMessage, type IConfigFile } from '@microsoft/api-extractor'

const root = fileURLToPath(new URL('..', import.meta.url))
export const API_DIR = path.join(root, 'api')

/** Entry point (package.json `exports` key) → its built declaration and its report. */
export const ENTRIES = [
  { name: 'vitest-perf', dts: 'index.d.ts', report: 'vitest-perf' },
  { name: 'vitest-perf/plugin', dts: 'plugin.d.ts', report: 'vitest-perf-plugin' },
  { name: 'vitest-perf/node', dts: 'node.d.ts', report: 'vitest-perf-node' },
  { name: 'vitest-perf/load', dts: 'load.d.ts', report: 'vitest-perf-load' },
]

export const STALE_MESSAGE = 'the public API changed; run npm run api:update and commit the report'

// Our doc comments are not TSDoc and nothing uses release tags: only the API itself is checked.
const SILENT = ['ae-missing-release-tag', 'ae-undocumented']

function configOf(dist: string, entry: (typeof ENTRIES)[number], tempFolder: string): IConfigFile {
  return {
    projectFolder: path.dirname(dist),
    mainEntryPointFilePath: path.join(dist, entry.dts),
    compiler: {
      overrideTsconfig: {
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          types: ['node'],
          strict: true,
          skipLibCheck: true,
          allowImportingTsExtensions: true,
          noEmit: true,
        },
        include: [path.join(dist, '**/*.d.ts')],
      },
    },
    apiReport: { enabled: true, reportFileName: entry.report, reportFolder: API_DIR, reportTempFolder: tempFolder },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      extractorMessageReporting: {
        default: { logLevel: 'warning', addToApiReportFile: false },
        'ae-forgotten-export': { logLevel: 'error', addToApiReportFile: false },
        ...Object.fromEntries(SILENT.map((id) => [id, { logLevel: 'none' }])),
      },
      tsdocMessageReporting: { default: { logLevel: 'none' } },
    },
  } as IConfigFile
}

export interface ApiReportOutcome {
  /** Entry points whose committed report differs from the build (check mode) or was rewritten. */
  changed: string[]
  /** Errors and warnings, forgotten exports included, one line each. */
  problems: string[]
}

/**
 * Runs api-extractor on the declarations in `dist` (a `tsc -p tsconfig.build.json` output beside a
 * package.json and node_modules). With `update` the reports in api/ are rewritten, else compared.
 */
export function apiReport(dist: string, update: boolean): ApiReportOutcome {
  const temp = mkdtempSync(path.join(tmpdir(), 'vitest-perf-api-'))
  const outcome: ApiReportOutcome = { changed: [], problems: [] }
  try {
    const configs = ENTRIES.map((entry) =>
      ExtractorConfig.prepare({
        configObject: configOf(dist, entry, temp),
        configObjectFullPath: undefined,
        packageJsonFullPath: path.join(root, 'package.json'),
      }),
    )
    const compilerState = CompilerState.create(configs[0]!, { additionalEntryPoints: configs.map((c) => c.mainEntryPointFilePath) })
    ENTRIES.forEach((entry, i) => {
      const result = Extractor.invoke(configs[i]!, {
        localBuild: update,
        compilerState,
        messageCallback: (message: ExtractorMessage) => {
          message.handled = true
          // Progress lines and the stale-report warning are replaced by our own summary.
          if (message.logLevel !== 'error' && message.logLevel !== 'warning') return
          if (message.messageId === 'console-api-report-not-copied' || message.messageId === 'console-api-report-created') return
          outcome.problems.push(`${entry.name}: ${message.formatMessageWithLocation(path.dirname(dist))}`)
        },
      })
      if (result.apiReportChanged) outcome.changed.push(entry.name)
    })
    if (!update && outcome.changed.length > 0) outcome.problems.push(...outcome.changed.map((name) => diffHint(name, temp)))
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
  return outcome
}

/** The first lines that differ between the committed report and the new one. */
function diffHint(name: string, temp: string): string {
  const entry = ENTRIES.find((e) => e.name === name)!
  const file = `${entry.report}.api.md`
  const read = (dir: string) => {
    try {
      return readFileSync(path.join(dir, file), 'utf8').split('\n')
    } catch {
      return []
    }
  }
  const committed = new Set(read(API_DIR))
  const built = read(temp)
  const builtSet = new Set(built)
  const added = built.filter((line) => !committed.has(line)).map((line) => `+ ${line}`)
  const removed = [...committed].filter((line) => !builtSet.has(line)).map((line) => `- ${line}`)
  const lines = [...removed, ...added]
  const shown = lines.slice(0, 20).join('\n  ')
  return `${name} (api/${file}):\n  ${shown}${lines.length > 20 ? `\n  … ${lines.length - 20} more` : ''}`
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  const check = args.includes('--check')
  const dist = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(root, 'dist'))
  const { changed, problems } = apiReport(dist, !check)
  for (const p of problems) console.error(p)
  if (check && changed.length > 0) {
    console.error(`\n${STALE_MESSAGE} (${changed.join(', ')})`)
    process.exitCode = 1
  } else if (problems.length > 0) {
    process.exitCode = 1
  } else {
    console.log(
      check
        ? `api/: ${ENTRIES.length} reports match the build`
        : `api/: ${changed.length === 0 ? 'no report changed' : `updated ${changed.join(', ')}`}`,
    )
  }
}
