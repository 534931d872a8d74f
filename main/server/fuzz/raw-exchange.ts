// Test support: send raw bytes to a server over node:net and collect whatever comes back, so malformed
// requests that no HTTP or WebSocket client library would produce can be sent.
import { connect } from 'node:net'

export interface Exchange {
  /** everything the server sent, as latin1 text (the status line and headers are ASCII) */
  reply: string
  /** true when the server closed or reset the connection before the timeout */
  closed: boolean
}

/** writes each chunk in turn, half-closes when `end`, and resolves on close or after timeoutMs */
export function exchange(port: number, chunks: Buffer[], o: { end?: boolean; timeoutMs?: number } = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const got: Buffer[] = []
    let settled = false
    const finish = (closed: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ reply: Buffer.concat(got).toString('latin1'), closed })
    }
    const timer = setTimeout(() => finish(false), o.timeoutMs ?? 2000)
    socket.on('data', (d) => got.push(d))
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    socket.on('connect', () => {
      for (const c of chunks) if (!socket.destroyed) socket.write(c, () => {})
      if (o.end) socket.end()
    })
  })
}

/** the status code of the first HTTP response in a reply, or undefined when there is none */
export const statusOf = (reply: string): number | undefined => {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(reply)
  return m ? Number(m[1]) : undefined
}
