// The option objects docs/configuration.md documents beside the load config and perf(): one
// section each, generated from the zod schema that validates the object where it is used.
import type { z } from 'zod'
import { capacityOptionsSchema } from '../src/analysis/capacity-schema.ts'
import { abOptionsSchema, baselineOptionsSchema } from '../src/baselines/options-schema.ts'
import { runOptionsSchema } from '../src/run/options-schema.ts'
import { scenarioOptionsSchema, scenariosConfigSchema } from '../src/config/scenarios.ts'
import { executorFields } from './config-descriptions.ts'
import { proxyOptionsSchema } from '../src/faults/proxy-options-schema.ts'
import { randomFaultSchema, scheduledFaultSchema } from '../src/faults/schedule-schema.ts'
import { toxicAttributeSchemas, toxicSchema } from '../src/faults/toxic-options-schema.ts'
import { clientOptionsSchema } from '../src/http/options-schema.ts'
import { requestSpecSchema } from '../src/http/request-schema.ts'
import { leakLimitsSchema, stabilityLimitsSchema } from '../src/monitor/limits-schema.ts'
import { connectOptionsSchema, generateOptionsSchema, mixOptionsSchema } from '../src/workflows/options-schema.ts'

export interface OptionSection {
  /** Heading, and the key tests/unit/docs-config-reference.test.ts checks the validator by. */
  title: string
  intro: string
  schema: z.core.$ZodType
  /** More tables under the section, e.g. the attributes of each toxic type. */
  parts?: { title: string; schema: z.core.$ZodType }[]
  /** Descriptions by path for options whose schema has none (shared with the load config). */
  descriptions?: Record<string, string>
}

export const optionSections: OptionSection[] = [
  {
    title: 'Scenarios',
    intro:
      "The first argument of `run()` and `runLoad()` for several loads at once, k6's `scenarios`: `runLoad({ scenarios: { browse: { executor: 'constant-arrival-rate', rate: 200, duration: '1m' } }, thresholds }, { browse: workflow })`. Each scenario takes the options of its executor (see [Load config](#load-config)) except the run-wide ones below, plus `startTime`. See [scenarios.md](scenarios.md).",
    schema: scenariosConfigSchema,
    parts: [{ title: 'options of each scenario', schema: scenarioOptionsSchema }],
    descriptions: executorFields,
  },
  {
    title: 'Run options',
    intro: 'The third argument of `run()` (the `perfTest` fixture) and `runLoad()`: `run(config, workflow, { repeat: 5 })`.',
    schema: runOptionsSchema,
  },
  {
    title: 'Fault plan',
    intro:
      'Each entry of the `faults` run option. An entry with `failureRate` is a random injection, any other a scheduled fault. See [faults.md](faults.md).',
    schema: scheduledFaultSchema,
    parts: [{ title: 'Random injection', schema: randomFaultSchema }],
  },
  {
    title: 'HTTP client options',
    intro:
      "The second argument of `http.client(url, options)`. `url` is an `http:` or `https:` origin such as `'http://127.0.0.1:8080'`, nothing after it; a host that is neither loopback nor allowlisted is refused. See [http.md](http.md).",
    schema: clientOptionsSchema,
  },
  {
    title: 'HTTP request',
    intro:
      'What `client.request(spec)` and `client.template(spec)` take; `client.get(path, options)` and the other verbs take the same options without `method` and `path`.',
    schema: requestSpecSchema,
  },
  {
    title: 'Fault proxy options',
    intro: 'What `faults.startProxy(options)` takes: a TCP proxy on 127.0.0.1 in front of a server, where toxics are added.',
    schema: proxyOptionsSchema,
  },
  {
    title: 'Toxic',
    intro:
      "What `proxy.addToxic(toxic)` and `faults.toxic(proxy, toxic)` take, with Toxiproxy's names and units. The attributes depend on `type`; a missing optional attribute is 0.",
    schema: toxicSchema,
    parts: Object.entries(toxicAttributeSchemas)
      .filter(([, schema]) => Object.keys(schema.shape).length > 0)
      .map(([type, schema]) => ({ title: `attributes of \`${type}\``, schema })),
  },
  {
    title: 'Workflow generator options',
    intro: 'What `workflows.generate(options)` takes. The sizes default to those of the complexity. See [workflows.md](workflows.md).',
    schema: generateOptionsSchema,
  },
  {
    title: 'Workflow connect options',
    intro: 'The second argument of `workflows.connect(target, options)`; `target` is as in `generate()`.',
    schema: connectOptionsSchema,
  },
  {
    title: 'Workflow mix options',
    intro: 'The second argument of `workflows.mix(workflows, options)`.',
    schema: mixOptionsSchema,
  },
  {
    title: 'findCapacity() options',
    intro: 'What `findCapacity(options, workflow)` takes; every step is a `constant-arrival-rate` run.',
    schema: capacityOptionsSchema,
  },
  {
    title: 'Baseline options',
    intro: 'The argument of `expectPerformance(result).toMatchBaseline(options)`. See [baselines.md](baselines.md).',
    schema: baselineOptionsSchema,
  },
  {
    title: 'A/B options',
    intro:
      'The third argument of `runAB(config, { reference, candidate }, options)`: the same judgement as `toMatchBaseline()`, against a reference workflow run in alternation.',
    schema: abOptionsSchema,
  },
  {
    title: 'Leak limits',
    intro:
      "The argument of `expectPerformance(result).toHaveNoLeak(limits)`. The defaults are `{ heap: '< 1MB/min', external: '< 1MB/min', arrayBuffers: '< 1MB/min', handles: '< 1/min' }`; a limit given replaces its series' default, `false` turns a series off, and `rss` is checked only when given. See [monitoring.md](monitoring.md#leaks-tohavenoleak) for what counts as a leak.",
    schema: leakLimitsSchema,
  },
  {
    title: 'Stability limits',
    intro: 'The argument of `expectPerformance(result).toStayStable(limits)`.',
    schema: stabilityLimitsSchema,
  },
]
