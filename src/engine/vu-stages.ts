export interface VuStage {
  duration: number
  target: number
}

/** Target VU count at time t (ms from start), linear within each stage as in k6's ramping-vus. */
export function vusAt(startVUs: number, stages: VuStage[], t: number): number {
  let from = startVUs
  let start = 0
  for (const s of stages) {
    if (t < start + s.duration) return Math.round(from + ((s.target - from) * (t - start)) / s.duration)
    start += s.duration
    from = s.target
  }
  return from
}

export function stagesMs(stages: VuStage[]): number {
  return stages.reduce((sum, s) => sum + s.duration, 0)
}

export function peakVus(startVUs: number, stages: VuStage[]): number {
  return stages.reduce((max, s) => Math.max(max, s.target), startVUs)
}
