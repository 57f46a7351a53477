// Human descriptions for docs/configuration.md. The fields themselves (names, types, defaults,
// required or not) come from the zod schemas; an option missing here is still listed, with a
// description from the schema's `.describe()` if it has one. Markdown allowed.

export interface ExecutorNote {
  model: 'closed' | 'open'
  meaning: string
}

export const executorNotes: Record<string, ExecutorNote> = {
  'constant-vus': {
    model: 'closed',
    meaning: 'a fixed number of VUs loop over the workflow until `duration` ends or `iterations` are done.',
  },
  'ramping-vus': { model: 'closed', meaning: 'the number of looping VUs follows `stages`, moving linearly within each stage.' },
  'shared-iterations': { model: 'closed', meaning: 'a fixed total of `iterations` shared by `vus` VUs; fast VUs do more of them.' },
  'per-vu-iterations': { model: 'closed', meaning: 'every VU runs exactly `iterations` iterations.' },
  'constant-arrival-rate': {
    model: 'open',
    meaning: 'iterations start at `rate` per `timeUnit` on a fixed schedule, whatever the system under test does.',
  },
  'ramping-arrival-rate': {
    model: 'open',
    meaning: 'the arrival rate per `timeUnit` follows `stages`, moving linearly within each stage.',
  },
  'fixed-interval': { model: 'closed', meaning: 'each VU pauses `interval` after every iteration (a pause, not a rate).' },
}

/** Load-config options: `executor:path` for one executor, `path` for all of them. */
export const executorFields: Record<string, string> = {
  executor: 'Selects the executor; the other options depend on it.',
  name: 'Label in reports; the `run` fixture of `perfTest` uses the test name when missing.',
  gracefulStop: 'Time in-flight iterations get to finish once no new iteration may start; then they are interrupted.',
  thresholds: "k6-style thresholds checked on this run, e.g. `{ latency: ['p(99)<250ms'] }`; see [thresholds.md](thresholds.md).",
  workers: 'Worker threads sharing the load, each with its own event loop; the workflow must then be a load module.',
  distributed: 'Drivers in other processes or machines, coordinated through Redis.',
  unbounded: 'Lifts the limits on VUs, rates and run length (see Limits above) for a run that means it. The timers’ limit of 596 h stays.',
  'distributed.redis': 'Redis URL the coordinator and the drivers (`vitest-perf driver --redis <url>`) share.',
  'distributed.drivers': 'Number of drivers the load is split across.',
  'distributed.prefix': 'Key prefix of every Redis key and stream, so several projects can share one Redis.',
  'distributed.waitFor': 'How long the coordinator waits for enough idle drivers.',
  'distributed.heartbeat': 'Drivers report every interval; one silent for three intervals is lost.',
  'distributed.onDriverLost': "A lost driver fails the run (`'fail'`), or its share moves to the drivers left (`'rebalance'`).",
  'distributed.api': 'REST API on the coordinator while the run lasts (list runs, live stats, stop).',
  'distributed.api.host': 'Address the API listens on.',
  'distributed.api.port': 'Port of the API; `0` picks a free one.',
  'distributed.api.token':
    'Bearer token every request must carry (at least 16 characters); default: a random one per server, printed with its URL. Replaced by `***` in results.',
  'distributed.keyFile':
    'File holding the key that signs specs, commands and messages; default: the `VITEST_PERF_DRIVER_KEY` variable. Drivers take the same key (`--key-file`).',
  vus: 'VUs looping for the whole run.',
  'shared-iterations:vus': 'VUs sharing the work; never more than `iterations` are started.',
  duration: 'No iteration starts after this.',
  'constant-vus:duration': 'No iteration starts after this. At least one of `duration` and `iterations` is required.',
  'fixed-interval:duration': 'No iteration starts after this. At least one of `duration` and `iterations` is required.',
  'constant-arrival-rate:duration': 'No iteration is planned at or after this.',
  iterations: 'Cap on the total iterations of all VUs; without `duration` the run still stops after 10 minutes.',
  'shared-iterations:iterations': 'Total iterations, shared by the VUs.',
  'per-vu-iterations:iterations': 'Iterations **each** VU runs.',
  maxDuration: 'No iteration starts after this, even when iterations are left.',
  startVUs: 'VU target at the start.',
  stages: 'The run lasts the sum of the stage durations, which must be more than 0.',
  'stages[].duration': 'Length of the stage.',
  'ramping-vus:stages[].target': 'VUs reached at the end of the stage.',
  'ramping-arrival-rate:stages[].target': 'Rate per `timeUnit` reached at the end of the stage.',
  rate: 'Iterations started per `timeUnit`; fractions are allowed.',
  startRate: 'Rate per `timeUnit` at the start.',
  timeUnit: "The unit of `rate`, `startRate` and the stage targets: `rate: 30, timeUnit: '1m'` is 0.5 per second.",
  preAllocatedVUs: 'VUs created before the first iteration; when missing, `min(maxVUs, 10)`. At most `maxVUs`.',
  maxVUs: 'VUs are added on demand up to this many.',
  overload: "An iteration that finds no free VU is dropped (`'drop'`, counted in `dropped`, as k6) or waits for one (`'queue'`, as wrk2).",
  maxQueue:
    "With `overload: 'queue'`, at most this many iterations wait for a VU; later ones are dropped, counted in `dropped` and explained in `result.overload`.",
  interval: "Pause after every iteration, so one VU's period is iteration time + `interval`.",
}

/** perf() options by dotted path; `<service>` and `<kpi>` stand for each of their keys. */
export const pluginFields: Record<string, string> = {
  baselines: 'Folder of committed baselines, relative to the Vitest root; see [baselines.md](baselines.md).',
  results: 'Folder where `results.json` and the reports are written, relative to the Vitest root.',
  summary: 'Print the per-test summary table at the end of the run.',
  reports:
    'Reports written into `results` at the end of a run; `results.json` is written whatever this says. See [reports.md](reports.md).',
  kpi: 'KPI grade bounds of report.md/html/csv, merged with the defaults. Also the format of `vitest-perf report --kpi file.json`.',
  'kpi.<kpi>':
    '`false` leaves the KPI out. Units: `throughput` per second, `avgLatency` and `p99Latency` ms, `successRate` %, `memory` MB.',
  'kpi.<kpi>.good': 'Better than this is Good.',
  'kpi.<kpi>.acceptable': 'Better than this is Acceptable.',
  'kpi.<kpi>.poor': 'Worse than this is Poor; between Acceptable and Poor is Marginal.',
  githubSummary: "Append report.md's table to `$GITHUB_STEP_SUMMARY` when that variable is set.",
  annotate:
    "Annotate the Vitest test of each run with its summary line and an SVG of its latency and throughput, shown beside the test by Vitest's UI and HTML reporter. See [reports.md](reports.md#in-vitests-ui).",
  infra: 'Database servers per service; see [infrastructure.md](infrastructure.md).',
  'infra.<service>': "A provider name pins that provider (`'local'` is `{ provider: 'local' }`); an object sets the options below.",
  'infra.<service>.provider': 'Pin this provider, no fallback. Wins over `VITEST_PERF_<SERVICE>_PROVIDER`.',
  'infra.<service>.url': 'Server URL for the `url` provider. Wins over `VITEST_PERF_<SERVICE>_URL`.',
  'infra.<service>.image': 'Container image for the `testcontainers` provider. Wins over `VITEST_PERF_<SERVICE>_IMAGE`.',
  'infra.<service>.version': '`local` PostgreSQL only: use `/usr/lib/postgresql/<version>/bin`.',
  'infra.<service>.tuning': "Servers vitest-perf starts: `'fast'` (durability off, the default) or `'durable'` (server defaults).",
  'infra.<service>.port': 'Fixed port for the `local` and `embedded` providers; a free port otherwise.',
  'infra.<service>.settings': 'Server settings passed on its command line (`-c key=value`, `--key=value`).',
  'infra.<service>.onUnavailable': 'Overrides the top-level `onUnavailable` for this service.',
  onUnavailable: "When no provider gives a server: skip the test, fail it, or `'auto'`: skip, but fail when `CI` is set.",
  progress:
    "Live progress: one updating row per running perf test in Vitest's redrawn window (TTY, not CI); otherwise one plain line every 10 s.",
  prometheus:
    'A live Prometheus exporter during the run; `true` listens on a free loopback port, printed at start. See [monitoring.md](monitoring.md).',
  'prometheus.port': 'Port of the `/metrics` endpoint; `0` or missing picks a free one.',
  'prometheus.host': 'Address the exporter listens on (default `127.0.0.1`).',
  'prometheus.pushgateway': 'Pushgateway URL the final metrics are pushed to when the run ends.',
  'prometheus.job': 'Job name of the push (`vitest-perf` when missing).',
}

/** Names of the placeholder that stands for identical sibling options, by the parent's path. */
export const placeholders: Record<string, string> = { infra: 'service', kpi: 'kpi' }
