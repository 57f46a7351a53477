import { spawn, type ChildProcess } from 'node:child_process'
import { PerfInfraError } from '../core/errors.ts'
import { removeSecretFile, writeSecretFile, type SecretFile } from './secrets.ts'

export interface SpawnSpec {
  /** For messages: 'postgres (local)'. */
  name: string
  command: string
  args: string[]
  cwd?: string
  uid?: number
  gid?: number
  env?: NodeJS.ProcessEnv
  /** Polled every 50 ms until it resolves true. */
  ready: () => Promise<boolean>
  timeoutMs: number
  /** Signal that makes the server shut down cleanly (mariadbd ignores SIGINT). */
  stopSignal: NodeJS.Signals
  /**
   * Files with a password the server reads at startup (never on its command line, where `ps`
   * shows it): written 0600 before each start, deleted once it is ready or has exited.
   */
  secrets?: SecretFile[]
}

const TAIL_LINES = 20

/** The likely fix for the usual reasons a server dies at startup. */
function hint(lines: string[]): string {
  const text = lines.join('\n')
  if (/address already in use|could not bind|EADDRINUSE|Can't start server: Bind/i.test(text))
    return 'fix: the port is in use by another process; free it, or drop the fixed port option so vitest-perf picks a free one'
  if (/invalid value for parameter|unrecognized configuration parameter|unknown (option|variable)|Bad directive|FATAL CONFIG/i.test(text))
    return 'fix: a server setting is wrong; check the settings option'
  if (/permission denied/i.test(text)) return 'fix: the server cannot write its temp dir; check permissions of the temp directory'
  return 'fix: see the server output above'
}

/** A server process we started; keeps the last lines it printed for error messages. */
export class LocalProcess {
  readonly child: ChildProcess
  readonly spec: SpawnSpec
  private readonly tail: string[] = []
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined
  private readonly exitPromise: Promise<void>

  constructor(spec: SpawnSpec) {
    this.spec = spec
    for (const file of spec.secrets ?? []) writeSecretFile(file, spec)
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      uid: spec.uid,
      gid: spec.gid,
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.tail.push(line)
      if (this.tail.length > TAIL_LINES) this.tail.splice(0, this.tail.length - TAIL_LINES)
    }
    this.child.stdout?.on('data', keep)
    this.child.stderr?.on('data', keep)
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = { code, signal }
        this.removeSecrets()
        resolve()
      })
      this.child.once('error', (error) => {
        this.tail.push(String(error))
        this.exited ??= { code: -1, signal: null }
        this.removeSecrets()
        resolve()
      })
    })
  }

  private removeSecrets(): void {
    for (const file of this.spec.secrets ?? []) removeSecretFile(file)
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  logTail(): string {
    return this.tail.length ? this.tail.map((l) => `    | ${l}`).join('\n') : '    | (no output)'
  }

  /** Waits until ready; throws with the last log lines when the process dies or times out. */
  async waitReady(): Promise<void> {
    const deadline = performance.now() + this.spec.timeoutMs
    let lastProbeError = ''
    for (;;) {
      if (this.exited) {
        throw new PerfInfraError(
          'PERF_INFRA_START_FAILED',
          `${this.spec.name} exited during startup (code ${this.exited.code}, signal ${this.exited.signal}). Its last lines:\n${this.logTail()}\n${hint(this.tail)}`,
        )
      }
      // A port held by something else may accept connections and never answer: bound each probe.
      const probe = Promise.race([
        this.spec.ready().catch((e: unknown) => {
          lastProbeError = e instanceof Error ? e.message : String(e)
          return false
        }),
        new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
      ])
      if (await probe) {
        // Read at startup: the server answering a query is past that.
        this.removeSecrets()
        return
      }
      if (performance.now() > deadline) {
        await this.stop()
        const probeLine = lastProbeError ? `\nThe last readiness probe failed with: ${lastProbeError}` : ''
        throw new PerfInfraError(
          'PERF_INFRA_START_FAILED',
          `${this.spec.name} was not ready after ${this.spec.timeoutMs} ms.${probeLine}\nIts last lines:\n${this.logTail()}`,
        )
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** Asks the server to stop, then kills it if it has not exited after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return
    this.child.kill(this.spec.stopSignal)
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await this.exitPromise
    clearTimeout(timer)
  }
}
