import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
import type { Vitest } from 'vitest/node'
import { resolvePerfOptions, type PerfOptions, type ResolvedPerfOptions } from './options.ts'
import { PerfReporter } from './reporter.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    'vitest-perf:options': ResolvedPerfOptions
  }
}

// The setup file sits beside this module: .ts when Vitest loads the sources, .js from dist.
const setupFile = fileURLToPath(new URL(`../runtime/setup${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url))
const withReporter = new WeakSet<Vitest>()

/**
 * The vitest-perf plugin: a setup file in every worker (histograms, result attachment), the
 * perf reporter once per Vitest run, and the options handed to workers through provide/inject.
 */
export function perf(input: PerfOptions = {}): Plugin {
  const options = resolvePerfOptions(input)
  return {
    name: 'vitest-perf',
    config() {
      return { test: { setupFiles: [setupFile] } }
    },
    configureVitest({ vitest, project }) {
      project.provide('vitest-perf:options', options)
      if (withReporter.has(vitest)) return
      withReporter.add(vitest)
      vitest.config.reporters.push(new PerfReporter(options))
    },
  }
}
