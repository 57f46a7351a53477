import { setTimeout as sleep } from 'node:timers/promises'

// The leak corpus: workloads that keep nothing (they must pass the default toHaveNoLeak()) and
// workloads that keep memory at a known rate (they should fail it once the run is long enough).

export interface LeakWorkload {
  label: string
  /** Bytes per minute this workload retains on purpose (0: none). */
  leak: number
  /** What grows: the JS heap or Buffers. */
  kind?: 'heap' | 'buffer'
  config: { executor: 'constant-vus'; vus: number } | { executor: 'constant-arrival-rate'; rate: number; maxVUs: number }
  iteration: () => Promise<void>
}

const MB = 2 ** 20
const retained: unknown[] = []

// Some garbage per iteration, as any request handler makes: a small JSON round trip.
const order = { id: 1, items: Array.from({ length: 20 }, (_, i) => ({ sku: `sku-${i}`, qty: i % 3, price: i * 1.25 })) }
const garbage = () => JSON.parse(JSON.stringify(order)) as unknown

// An array of n doubles takes 8n bytes of elements plus about 48 of headers and its slot in `retained`.
function keepBytes(bytes: number): void {
  const n = Math.max(1, Math.round((bytes - 56) / 8))
  retained.push(new Array<number>(n).fill(retained.length + 0.5))
}

// Keeps what the time since the last iteration is worth at the rate: the leak stays at its rate when
// a busy machine delays or drops iterations (the precise monitor's GCs on 2 shared cores did).
function heapLeak(mbPerMinute: number): LeakWorkload {
  const perMs = (mbPerMinute * MB) / 60_000
  let last: number | undefined
  let owed = 0
  return {
    label: `heap ${mbPerMinute} MB/min (20/s)`,
    leak: mbPerMinute * MB,
    kind: 'heap',
    config: { executor: 'constant-arrival-rate', rate: 20, maxVUs: 10 },
    iteration: async () => {
      garbage()
      const now = performance.now()
      owed += (now - (last ?? now - 50)) * perMs
      last = now
      if (owed >= 256) {
        keepBytes(owed)
        owed = 0
      }
      await sleep(5)
    },
  }
}

const big = { rows: Array.from({ length: 300 }, (_, i) => ({ id: i, name: `customer ${i}`, tags: ['a', 'b', 'c'], score: i / 7 })) }

export const WORKLOADS: Record<string, LeakWorkload> = {
  idle: {
    label: 'idle: 500 ms timer (1 VU)',
    leak: 0,
    config: { executor: 'constant-vus', vus: 1 },
    iteration: () => sleep(500),
  },
  'buffer-drop': {
    label: '1 MB Buffer dropped (1 VU, 500 ms)',
    leak: 0,
    config: { executor: 'constant-vus', vus: 1 },
    iteration: async () => {
      Buffer.alloc(MB).fill(1)
      await sleep(500)
    },
  },
  'json-busy': {
    label: 'busy JSON, keeps nothing (300/s)',
    leak: 0,
    config: { executor: 'constant-arrival-rate', rate: 300, maxVUs: 20 },
    iteration: async () => {
      JSON.parse(JSON.stringify(big))
      await sleep(2)
    },
  },
  'heap-1': heapLeak(1),
  'heap-2': heapLeak(2),
  'heap-5': heapLeak(5),
  'buffer-4k': {
    label: '4 KB Buffer kept per request (100/s)',
    leak: 100 * 4096 * 60,
    kind: 'buffer',
    config: { executor: 'constant-arrival-rate', rate: 100, maxVUs: 10 },
    iteration: async () => {
      garbage()
      retained.push(Buffer.alloc(4096))
      await sleep(2)
    },
  },
}
