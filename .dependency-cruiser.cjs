// Import rules of src/ (docs/architecture.md, "Layers"). `npm run check:deps` fails on any of them.
// Each folder may import itself and the folders listed for it; src/*.ts entry files may import any.
const allowed = {
  core: [],
  fs: [],
  metrics: ['core'],
  broker: ['core'],
  engine: ['core', 'metrics'],
  infra: ['core', 'fs', 'broker', 'config'],
  thresholds: ['core', 'metrics', 'engine'],
  config: ['core', 'thresholds'],
  monitor: ['core', 'metrics', 'engine', 'config'],
  faults: ['core', 'engine', 'config', 'infra', 'broker'],
  http: ['core', 'engine', 'metrics', 'config'],
  workflows: ['core', 'engine', 'config'],
  distributed: ['core', 'metrics', 'engine', 'config'],
  run: ['core', 'metrics', 'engine', 'config', 'thresholds', 'monitor', 'faults', 'distributed'],
  baselines: ['core', 'fs', 'metrics', 'engine', 'config', 'thresholds', 'run'],
  ab: ['core', 'fs', 'run', 'baselines'],
  runtime: ['core', 'metrics', 'engine', 'config', 'thresholds', 'monitor', 'faults', 'broker', 'infra', 'run', 'baselines', 'ab'],
  analysis: ['core', 'metrics', 'engine', 'config', 'thresholds', 'run', 'runtime', 'baselines'],
  reporters: ['core', 'fs', 'metrics', 'config', 'thresholds', 'baselines', 'monitor'],
  plugin: ['core', 'fs', 'config', 'broker', 'infra', 'faults', 'monitor', 'reporters', 'ab'],
  cli: ['core', 'fs', 'config', 'metrics', 'engine', 'run', 'distributed', 'baselines', 'reporters', 'ab'],
}
const folders = Object.keys(allowed)

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No import cycles, type imports included: each folder must be understandable and testable alone.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'unknown-folder',
      severity: 'error',
      comment: 'A new folder under src/ needs its place in the layers (.dependency-cruiser.cjs and docs/architecture.md).',
      from: { path: `^src/(?!(${folders.join('|')})/)[^/]+/` },
      to: { path: '^src/' },
    },
    ...folders.map((folder) => ({
      name: `layer-${folder}`,
      severity: 'error',
      comment: `src/${folder}/ may import only ${allowed[folder].length ? allowed[folder].join(', ') : 'nothing else in src/'} (docs/architecture.md).`,
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: `^src/(${[folder, ...allowed[folder]].join('|')})/` },
    })),
    {
      name: 'engine-core-below-shards',
      severity: 'error',
      comment:
        'The engine core (src/engine/*.ts, executors/) does not know how it is sharded: shards/ and workers/ are orchestrators above it.',
      from: { path: '^src/engine/(?!shards/|workers/)' },
      to: { path: '^src/engine/(shards|workers)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
}
