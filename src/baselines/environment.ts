import os from 'node:os'
import type { InfraUsed } from '../core/result.ts'

/** Where a baseline was measured: enough to tell when two runs are not comparable. */
export interface EnvironmentFingerprint {
  cpuModel: string
  cpus: number
  memoryGB: number
  os: string
  arch: string
  node: string
  infra: { service: string; provider: string; version: string; tuning: string }[]
  /** Iterations per ms of a fixed CPU workload measured in this process: higher is faster. */
  calibration: number
}

let calibration: number | undefined

/**
 * A short fixed CPU workload (integer hashing in a tight loop), best of 5 rounds of ~20 ms, so a
 * slower machine or a busier moment shows as a lower score. Measured once per worker.
 */
export function calibrationScore(): number {
  if (calibration !== undefined) return calibration
  let best = 0
  let sink = 0
  for (let round = 0; round < 5; round++) {
    const n = 400_000
    const t0 = performance.now()
    let x = 0x9e3779b9 ^ round
    for (let i = 0; i < n; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      sink = (sink + (x & 0xff)) | 0
    }
    best = Math.max(best, n / (performance.now() - t0))
  }
  calibration = Math.round(best) + (sink === -1 ? 1 : 0)
  return calibration
}

export function fingerprint(infra: InfraUsed[] = []): EnvironmentFingerprint {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    infra: infra.map(({ service, provider, version, tuning }) => ({ service, provider, version, tuning })),
    calibration: calibrationScore(),
  }
}

/** Human-readable differences that matter for comparing timings (calibration is reported apart). */
export function environmentDifferences(baseline: EnvironmentFingerprint, current: EnvironmentFingerprint): string[] {
  const out: string[] = []
  const field = (name: keyof EnvironmentFingerprint) => {
    if (JSON.stringify(baseline[name]) !== JSON.stringify(current[name]))
      out.push(`${name}: ${JSON.stringify(baseline[name])} → ${JSON.stringify(current[name])}`)
  }
  for (const name of ['cpuModel', 'cpus', 'memoryGB', 'os', 'arch', 'node', 'infra'] as const) field(name)
  return out
}
