import { describe, expect, it } from 'vitest'
import type { ResourceSample } from '../../src/core/resource-sample.ts'
import type { RunResult, TimelinePoint } from '../../src/core/result.ts'
import { checkNoLeak, checkStable } from '../../src/monitor/matchers.ts'

// A run of 30 s: the test process flat, the watched app growing 2 MB/min and doing more work per
// request in the last seconds.
function run(appRssPerMin: number, appCpu: (t: number) => number): RunResult {
  const resources: ResourceSample[] = Array.from({ length: 30 }, (_, i) => ({
    t: i + 1,
    cpu: 20,
    rss: 100 * 2 ** 20,
    heapUsed: 50 * 2 ** 20,
    heapAfterGc: 50 * 2 ** 20,
    eventLoop: { p50: 0, p99: 1, max: 2, utilization: 0.1 },
    handles: { TCPSocketWrap: 4 },
    servers: { 'orders-app': { pid: 1234, rss: 200 * 2 ** 20 + ((i + 1) * appRssPerMin * 2 ** 20) / 60, cpu: appCpu(i + 1) } },
  }))
  const timeline: TimelinePoint[] = Array.from({ length: 30 }, (_, t) => ({
    t,
    ms: 1000,
    iterations: 100,
    errors: 0,
    dropped: 0,
    throughput: 100,
    p50: 5,
    p95: 8,
    p99: 9,
    vus: 4,
  }))
  return { resources, timeline } as unknown as RunResult
}

describe('leak and stability checks of a watched process', () => {
  it("toHaveNoLeak({ process }) checks the process's RSS, not the test process's heap", () => {
    const leaking = run(2, () => 30)
    // The test process itself does not leak.
    expect(checkNoLeak(leaking).pass).toBe(true)
    const outcome = checkNoLeak(leaking, { process: 'orders-app' })
    expect(outcome.pass).toBe(false)
    expect(outcome.message()).toMatch(
      /^Leak in process "orders-app": it grows faster than allowed \(< 1MB\/min\):\n {2}- orders-app rss: 2\.00MB\/min/,
    )
    expect(checkNoLeak(leaking, { process: 'orders-app', rss: '< 5MB/min' }).pass).toBe(true)
    expect(
      checkNoLeak(
        run(0, () => 30),
        { process: 'orders-app' },
      ).pass,
    ).toBe(true)
  })

  it('a process that was not watched, or heap/handles limits for a process, are config errors', () => {
    expect(() =>
      checkNoLeak(
        run(0, () => 30),
        { process: 'billing' },
      ),
    ).toThrow(/"billing" was not watched in this run \(watched: orders-app\)/)
    expect(() =>
      checkNoLeak(
        run(0, () => 30),
        { process: 'orders-app', heap: '< 1MB/min' },
      ),
    ).toThrow(/heap: is the test process's; a watched process \("orders-app"\) has rss only/)
  })

  it("toStayStable({ process }) compares the process's CPU per iteration, last window against the first", () => {
    // 30 % CPU for 100 iterations a second = 3 ms per iteration; 45 % at the end = 4.5 ms.
    const slower = run(0, (t) => (t > 27 ? 45 : 30))
    const outcome = checkStable(slower, { process: 'orders-app' })
    expect(outcome.pass).toBe(false)
    expect(outcome.message()).toMatch(/"orders-app" CPU per iteration 3\.000ms → 4\.500ms \(\+50\.0%\)/)
    expect(
      checkStable(
        run(0, () => 30),
        { process: 'orders-app' },
      ).pass,
    ).toBe(true)
  })
})
