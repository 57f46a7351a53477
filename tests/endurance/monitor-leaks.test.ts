import { createServer, Socket, type Server } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, expect } from 'vitest'
import { expectPerformance, perfTest } from 'vitest-perf'

// Short soaks (scaled by VITEST_PERF_DURATION_SCALE): a deliberate heap leak is caught with its
// slope and interval, the same workload without the leak passes, and leaked sockets show by type.
const retained: unknown[] = []
const sockets: Socket[] = []
let server: Server
let port = 0

beforeAll(async () => {
  server = createServer((s) => s.on('error', () => {}))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})

afterAll(async () => {
  for (const s of sockets) s.destroy()
  retained.length = 0
  await new Promise((resolve) => server.close(resolve))
})

function allocate(): number[] {
  return Array.from({ length: 2000 }, (_, i) => i * 1.5)
}

perfTest('a workload that keeps what it allocates fails toHaveNoLeak', async ({ run }) => {
  // preciseHeap: a full GC before every sample, so the slope is fitted on the live heap with its
  // interval even in 8 s (without it, short runs see too few major GCs: see the next test).
  const result = await run(
    { executor: 'constant-arrival-rate', rate: 200, duration: '8s', maxVUs: 20 },
    async () => {
      retained.push(allocate())
      await sleep(1)
    },
    { monitor: { preciseHeap: true } },
  )
  let message = ''
  try {
    expectPerformance(result).toHaveNoLeak({ heap: '< 5MB/min' })
  } catch (e) {
    message = (e as Error).message
  }
  expect(message).toMatch(/^Leak: .*grow faster than allowed/)
  expect(message).toMatch(/heap.*: \d+\.\d+MB\/min \[95% \d+\.\d+MB, \d+\.\d+MB\] over \d+ samples/)
  console.log(`deliberate leak: ${message.split('\n')[1].trim()}`)
  retained.length = 0
})

perfTest('the same workload without keeping its allocations passes', async ({ run }) => {
  const result = await run(
    { executor: 'constant-arrival-rate', rate: 200, duration: '8s', maxVUs: 20 },
    async () => {
      allocate()
      await sleep(1)
    },
    { monitor: { preciseHeap: true } },
  )
  expectPerformance(result).toHaveNoLeak({ heap: '< 5MB/min', handles: '< 30/min' })
})

perfTest('without preciseHeap a short run still catches the leak, as a lower bound, and passes without it', async ({ run }) => {
  const load = (keep: boolean) =>
    run({ executor: 'constant-arrival-rate', rate: 200, duration: '8s', maxVUs: 20, name: keep ? 'leaking' : 'clean' }, async () => {
      const a = allocate()
      if (keep) retained.push(a)
      await sleep(1)
    })
  const leaking = await load(true)
  expect(() => expectPerformance(leaking).toHaveNoLeak({ heap: '< 5MB/min' })).toThrow(
    /heap: \d+\.\d+MB\/min at least \(\+\d+\.\d+MB from /,
  )
  retained.length = 0
  const clean = await load(false)
  expectPerformance(clean).toHaveNoLeak({ heap: '< 5MB/min' })
})

perfTest('unclosed sockets are reported as a handle leak by type', async ({ run }) => {
  const result = await run({ executor: 'constant-arrival-rate', rate: 5, duration: '6s', maxVUs: 5 }, async () => {
    const s = new Socket()
    sockets.push(s)
    await new Promise<void>((resolve, reject) => s.connect(port, '127.0.0.1', resolve).once('error', reject))
  })
  expect(() => expectPerformance(result).toHaveNoLeak({ handles: '< 30/min' })).toThrow(/handles:TCPSocketWrap: \d+\.\d\/min \[95% /)
  for (const s of sockets) s.destroy()
})

perfTest('a workload that slows down over time fails toStayStable, a steady one passes', async ({ run }) => {
  let delay = 2
  const slowing = await run({ executor: 'constant-vus', vus: 2, duration: '6s', name: 'slowing' }, async () => {
    delay += 0.01
    await sleep(delay)
  })
  expect(() => expectPerformance(slowing).toStayStable({ degradation: '< 10%' })).toThrow(
    /^Degraded by \d+\.\d% \(limit < 10%\): throughput .* p95 /,
  )
  const steady = await run({ executor: 'constant-vus', vus: 2, duration: '6s', name: 'steady' }, () => sleep(3))
  // Timer noise moves a 3 ms p95 by a third on a shared machine; the slowing run degrades by far more.
  expectPerformance(steady).toStayStable({ degradation: '< 60%' })
})
