import { workflows, type DatabaseFixture, type IterationContext, type WorkflowConnections, type WorkflowMix } from 'vitest-perf'

/**
 * The workflow runtime under test: the scenario's three workflow types (data processing,
 * analytics, transformation), medium complexity, drawn per iteration from a seeded mix and run
 * on one shared PostgreSQL pool, as one runtime process executes them. PostgreSQL only, so the
 * suite needs nothing but the `postgres` fixture (embedded PostgreSQL on a bare machine).
 */
export interface WorkflowRuntime extends AsyncDisposable {
  readonly mix: WorkflowMix
  readonly run: (ctx: IterationContext) => Promise<void>
  /** Rows per table: what the runtime's workflows wrote. */
  counts(): Promise<Record<string, number>>
  close(): Promise<void>
}

export interface RuntimeOptions {
  /** Connections of the runtime's pool (default 20). */
  poolSize?: number
  seed?: number
}

export async function startRuntime(postgres: Pick<DatabaseFixture, 'url'>, options: RuntimeOptions = {}): Promise<WorkflowRuntime> {
  const conns: WorkflowConnections = await workflows.connect({ postgres: { url: postgres.url } }, { poolSize: options.poolSize ?? 20 })
  const seed = options.seed ?? 1
  const mix = workflows.mix(
    [
      await workflows.generate({ kind: 'data-processing', seed, target: conns }),
      await workflows.generate({ kind: 'analytics', seed, target: conns }),
      await workflows.generate({ kind: 'transformation', seed, target: conns }),
    ],
    { seed },
  )
  await mix.setup()
  const close = async () => {
    await mix.teardown()
    await conns.close()
  }
  return {
    mix,
    run: mix.run,
    counts: async () => Object.assign({}, ...(await Promise.all(mix.workflows.map((w) => w.counts())))),
    close,
    [Symbol.asyncDispose]: close,
  }
}
