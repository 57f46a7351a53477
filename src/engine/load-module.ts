import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PerfError } from '../core/errors.ts'
import type { Workflow } from './context.ts'

/**
 * A workflow that other threads and processes can load: functions cannot cross to worker threads
 * or drivers, so they import this module and call its factory with `data`.
 *
 * ```ts
 * // load.ts
 * export default function load(data: { url: string }) {
 *   const client = http(data.url)
 *   return async () => { await client.get('/ping') }
 * }
 * ```
 */
export interface LoadModule<D = unknown> {
  /** The module: a file URL (`new URL('./load.ts', import.meta.url)`) or an absolute path. */
  module: string | URL
  /** Export holding the factory `(data) => workflow` (default: 'default'). */
  export?: string
  /** Plain data handed to the factory in every worker and driver (structured-clone / JSON safe). */
  data?: D
}

/** A load module's factory: called once per worker or driver, returns the workflow. */
export type LoadFactory<D = unknown> = (data: D) => Workflow | Promise<Workflow>

/** The workflows of a run with scenarios, by scenario name: functions, or load modules for workers and drivers. */
export type ScenarioWorkflows<S extends string = string> = Record<S, Workflow | LoadModule>

/** A LoadModule as it travels to workers and drivers. */
export interface LoadModuleRef {
  href: string
  export: string
  data: unknown
}

export function isLoadModule(value: unknown): value is LoadModule {
  return typeof value === 'object' && value !== null && 'module' in value
}

export function moduleRef(m: LoadModule): LoadModuleRef {
  const raw = m.module
  const href = raw instanceof URL ? raw.href : /^[a-z][a-z0-9+.-]*:/i.test(raw) && !isAbsolute(raw) ? raw : pathToFileURL(resolve(raw)).href
  return { href, export: m.export ?? 'default', data: m.data }
}

/** Imports the module and builds its workflow; every failure says which module and what to do. */
export async function loadWorkflow(ref: LoadModuleRef): Promise<Workflow> {
  let mod: Record<string, unknown>
  try {
    mod = (await import(ref.href)) as Record<string, unknown>
  } catch (cause) {
    throw new PerfError(
      'PERF_LOAD_MODULE',
      `Cannot import the load module ${ref.href}: ${String((cause as Error)?.message ?? cause)}. Check the path (it must exist where the worker or driver runs); TypeScript modules need Node ≥ 22.18.`,
      { cause },
    )
  }
  const factory = mod[ref.export]
  if (typeof factory !== 'function') {
    throw new PerfError(
      'PERF_LOAD_MODULE',
      `The load module ${ref.href} has no function export "${ref.export}" (found: ${Object.keys(mod).join(', ') || 'no exports'}). Export a factory: export default function load(data) { return async (ctx) => { … } }`,
    )
  }
  const workflow = await (factory as LoadFactory)(ref.data)
  if (typeof workflow !== 'function') {
    throw new PerfError(
      'PERF_LOAD_MODULE',
      `The factory "${ref.export}" of ${ref.href} returned ${workflow === null ? 'null' : typeof workflow}, not a workflow; it must return the iteration function: return async (ctx) => { … }`,
    )
  }
  return workflow as Workflow
}
