import { connect, type Socket } from 'node:net'
import { Link, type LinkOwner } from './proxy-link.ts'
import type { ToxicSpec, ToxicStream } from './toxic-options.ts'

export interface UpstreamAddress {
  host: string
  port: number
}

/** Closes a socket after what was written to it has been flushed (the peer sees EOF). */
function closeAfterFlush(socket: Socket): void {
  if (socket.destroyed) return
  if (socket.writableFinished) socket.destroy()
  else socket.end(() => socket.destroy())
}

function reset(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy()
}

/**
 * One client connection accepted by the proxy and its connection to the upstream server, with
 * a link per direction. Half-closes pass through (either side may end first); an error on one
 * side closes the other (a reset as a reset, so the client sees ECONNRESET as it would directly).
 */
export class ProxyConnection implements LinkOwner {
  readonly client: Socket
  readonly server: Socket
  readonly up: Link
  readonly down: Link
  private open = 2
  private readonly onDone: (connection: ProxyConnection) => void

  constructor(client: Socket, upstream: UpstreamAddress, toxics: Iterable<ToxicSpec>, onDone: (connection: ProxyConnection) => void) {
    this.client = client
    this.onDone = onDone
    client.setNoDelay(true)
    this.server = connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true, noDelay: true })
    this.up = new Link('upstream', client, this.server, this)
    this.down = new Link('downstream', this.server, client, this)
    for (const spec of toxics) this.addToxic(spec)
    client.on('error', (error: NodeJS.ErrnoException) => this.failed(error, this.server))
    this.server.on('error', (error: NodeJS.ErrnoException) => this.failed(error, client))
    client.on('close', this.onClose)
    this.server.on('close', this.onClose)
  }

  addToxic(spec: ToxicSpec): void {
    this.link(spec.stream).add(spec, spec.toxicity >= 1 || Math.random() < spec.toxicity)
  }

  removeToxic(spec: ToxicSpec): void {
    this.link(spec.stream).remove(spec.name)
  }

  cut(link: Link): void {
    this.disposeLinks()
    closeAfterFlush(link.dst)
    closeAfterFlush(link.src)
  }

  reset(): void {
    this.disposeLinks()
    reset(this.client)
    reset(this.server)
  }

  /** Closes both sockets now (proxy closed or taken down). */
  destroy(): void {
    this.disposeLinks()
    this.client.destroy()
    this.server.destroy()
  }

  private link(stream: ToxicStream): Link {
    return stream === 'upstream' ? this.up : this.down
  }

  private failed(error: NodeJS.ErrnoException, other: Socket): void {
    this.disposeLinks()
    // A refused or reset upstream looks the same to the client as a reset proxy: ECONNRESET.
    if (error.code === 'ECONNRESET' || error.code === 'ECONNREFUSED' || error.code === 'EPIPE') reset(other)
    else other.destroy()
  }

  private disposeLinks(): void {
    this.up.dispose()
    this.down.dispose()
  }

  private readonly onClose = (): void => {
    if (--this.open > 0) return
    this.disposeLinks()
    this.onDone(this)
  }
}
