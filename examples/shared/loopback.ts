import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An example's service, listening on 127.0.0.1. */
export interface LoopbackService {
  url: string
  /** Drops keep-alive connections and stops listening. */
  close(): Promise<void>
}

/** Starts `server` on 127.0.0.1, port 0 (a free one): the targets of every example load this way. */
export async function listenOnLoopback(server: Server): Promise<LoopbackService> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
