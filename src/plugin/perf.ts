import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
import type { Vitest } from 'vitest/node'
import type { BrokerAddress } from '../broker/wire.ts'
import type { ProgressEvent } from '../core/progress-event.ts'
import { redact, redactDeep } from '../core/redact.ts'
import { InfraBroker } from '../infra/broker.ts'
import { killOwnedNow } from '../infra/leftovers.ts'
import { PrometheusExporter } from '../monitor/prometheus.ts'
import { LiveProgress, reportersOf } from '../reporters/live.ts'
import { startBroker } from './broker.ts'
import { resolvePerfOptions, type PerfOptions, type ResolvedPerfOptions } from './options.ts'
import { PerfReporter } from './reporter.ts'
import { onInterrupt } from './interrupt.ts'
import { AbSequencer } from './ab-sequencer.ts'
import { AB_ENV } from '../ab/wire.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    'vitest-perf:options': ResolvedPerfOptions & { root: string; update: 'all' | 'new' | 'none' }
    'vitest-perf:broker': BrokerAddress
  }
}

// The setup file sits beside this module: .ts when Vitest loads the sources, .js from dist.
const setupFile = fileURLToPath(new URL(`../runtime/setup${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url))
const brokers = new WeakMap<Vitest, Promise<BrokerAddress>>()

/**
 * The vitest-perf plugin: a setup file in every worker (histograms, result attachment), the
 * perf reporter once per Vitest run, and the options handed to workers through provide/inject.
 */
export function perf(input: PerfOptions = {}): Plugin {
  const options = resolvePerfOptions(input)
  return {
    name: 'vitest-perf',
    async configureVitest({ vitest, project }) {
      // A config() hook's setupFiles do not reach inline projects: add it to each resolved project.
      if (!project.config.setupFiles.includes(setupFile)) project.config.setupFiles.push(setupFile)
      const update = vitest.config.snapshotOptions.updateSnapshot
      project.provide('vitest-perf:options', {
        ...options,
        root: vitest.config.root,
        update: update === 'all' ? 'all' : update === 'none' ? 'none' : 'new',
      })
      let address = brokers.get(vitest)
      if (!address) {
        if (process.env[AB_ENV.side]) {
          // vitest-perf ab: the same file order on both sides, one file at a time.
          vitest.config.sequence.sequencer = AbSequencer
          vitest.config.maxWorkers = 1
        }
        const reporter = new PerfReporter(options)
        vitest.config.reporters.push(reporter)
        // What vitest-perf prints in the main process: server errors and URLs may carry a password.
        const log = (line: string) => vitest.logger.log(redact(line))
        const logError = (line: string) => vitest.logger.error(redact(line))
        // A reporter too: at each run start it finds Vitest's redrawn window (TTY, not CI) or logs plain lines.
        const live = options.progress ? new LiveProgress(log, () => reportersOf(vitest)) : undefined
        if (live) vitest.config.reporters.push(live)
        // Ctrl-C: print and write what was measured so far before Vitest exits; our live rows
        // leave the window first, or its last redraw at exit would show them below the summary.
        const offInterrupt = onInterrupt((signal) => {
          live?.onTestRunEnd()
          reporter.interrupt(signal)
        })
        const exporter = options.prometheus ? new PrometheusExporter() : undefined
        const infra = new InfraBroker(options.infra, log)
        const onProgress = (sent: ProgressEvent) => {
          // Run names reach the progress lines and the exporter's labels before any result is made.
          const event = redactDeep(sent)
          reporter.progress(event)
          live?.update(event)
          exporter?.record(event)
        }
        const broker = startBroker(infra, onProgress, logError)
        address = broker.then((b) => b.address)
        brokers.set(vitest, address)
        if (exporter && options.prometheus) {
          const { port = 0, host = '127.0.0.1' } = options.prometheus
          const bound = await exporter.listen(port, host)
          log(`vitest-perf: Prometheus metrics at http://${host}:${bound}/metrics`)
        }
        vitest.onClose(async () => {
          offInterrupt()
          if (exporter && options.prometheus?.pushgateway) {
            await exporter
              .push(options.prometheus.pushgateway, options.prometheus.job)
              .catch((e: unknown) => logError(`vitest-perf: push to ${options.prometheus?.pushgateway} failed: ${String(e)}`))
          }
          await exporter?.close()
          await infra.close()
          await broker.then(
            (b) => b.close(),
            () => {},
          )
        })
        process.once('exit', killOwnedNow)
      }
      project.provide('vitest-perf:broker', await address)
    },
  }
}
