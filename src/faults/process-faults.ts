import { Worker } from 'node:worker_threads'
import type { Fault } from './fault.ts'

/** Holds `mb` megabytes of touched memory (so it is really resident) until stopped. */
export function memoryPressure(options: { mb: number }): Fault {
  let held: Buffer[] = []
  return {
    name: `memory pressure ${options.mb}MB`,
    async start() {
      for (let i = 0; i < options.mb; i++) held.push(Buffer.alloc(2 ** 20, i & 0xff))
    },
    async stop() {
      held = []
    },
  }
}

const SPIN = `const { parentPort } = require('node:worker_threads'); let stop = false; parentPort.on('message', () => { stop = true; process.exit(0) }); const spin = () => { const until = Date.now() + 50; while (Date.now() < until); if (!stop) setImmediate(spin) }; spin()`

/** Keeps `threads` worker threads busy (each close to one core) until stopped. */
export function cpuPressure(options: { threads: number }): Fault {
  let workers: Worker[] = []
  return {
    name: `CPU pressure ${options.threads} thread${options.threads === 1 ? '' : 's'}`,
    async start() {
      for (let i = 0; i < options.threads; i++) workers.push(new Worker(SPIN, { eval: true }))
    },
    async stop() {
      const stopping = workers.map((w) => w.terminate())
      workers = []
      await Promise.all(stopping)
    },
  }
}

/** Blocks the event loop for `ms` every `every` ms: what a synchronous hot spot does to a service. */
export function eventLoopBlock(options: { ms: number; every: number }): Fault {
  let timer: NodeJS.Timeout | undefined
  return {
    name: `event-loop block ${options.ms}ms every ${options.every}ms`,
    async start() {
      timer = setInterval(() => {
        const until = performance.now() + options.ms
        while (performance.now() < until);
      }, options.every)
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
    },
  }
}
