import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
import type { Vitest } from 'vitest/node'
import { InfraBroker, type BrokerAddress } from '../infra/broker.ts'
import { killOwnedNow } from '../infra/leftovers.ts'
import { PrometheusExporter } from '../monitor/prometheus.ts'
import { LiveProgress, reportersOf } from '../reporters/live.ts'
import { resolvePerfOptions, type PerfOptions, type ResolvedPerfOptions } from './options.ts'
import { PerfReporter } from './reporter.ts'

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
      project.provide('vitest-perf:options', { ...options, root: vitest.config.root, update: update === 'all' ? 'all' : update === 'none' ? 'none' : 'new' })
      let address = brokers.get(vitest)
      if (!address) {
        vitest.config.reporters.push(new PerfReporter(options))
        const broker = new InfraBroker(options.infra, (line) => vitest.logger.log(line))
        address = broker.start()
        brokers.set(vitest, address)
        // A reporter too: at each run start it finds Vitest's redrawn window (TTY, not CI) or logs plain lines.
        const live = options.progress ? new LiveProgress((line) => vitest.logger.log(line), () => reportersOf(vitest)) : undefined
        if (live) vitest.config.reporters.push(live)
        const exporter = options.prometheus ? new PrometheusExporter() : undefined
        broker.onProgress = (event) => {
          live?.update(event)
          exporter?.record(event)
        }
        if (exporter && options.prometheus) {
          const { port = 0, host = '127.0.0.1' } = options.prometheus
          const bound = await exporter.listen(port, host)
          vitest.logger.log(`vitest-perf: Prometheus metrics at http://${host}:${bound}/metrics`)
        }
        vitest.onClose(async () => {
          if (exporter && options.prometheus?.pushgateway) {
            await exporter.push(options.prometheus.pushgateway, options.prometheus.job).catch((e: unknown) => vitest.logger.error(`vitest-perf: push to ${options.prometheus?.pushgateway} failed: ${String(e)}`))
          }
          await exporter?.close()
          await broker.close()
        })
        process.once('exit', killOwnedNow)
      }
      project.provide('vitest-perf:broker', await address)
    },
  }
}
