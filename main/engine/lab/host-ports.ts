// TCP ports something listens on here (Linux /proc/net/tcp and tcp6), so a lab's passive FTP block (ftp-ports.ts)
// never lands on a port another process holds: another engine's lab on this host (a workshop over two local
// engines), or anything else. The engine's own listing only shows its own containers. Only read when the Docker
// engine is local; a remote engine publishes on its own host, which this one can't see.
import { readFileSync } from 'node:fs'

const LISTEN = '0A'

/** the local ports of the sockets in LISTEN state, from a /proc/net/tcp{,6} text */
export function parseListening(text: string): number[] {
  const out: number[] = []
  for (const line of text.split('\n').slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/)
    const port = /:([0-9A-Fa-f]{4})$/.exec(local ?? '')?.[1]
    if (state === LISTEN && port) out.push(parseInt(port, 16))
  }
  return out
}

export function hostListeningPorts(files = ['/proc/net/tcp', '/proc/net/tcp6']): number[] {
  return files.flatMap((f) => {
    try {
      return parseListening(readFileSync(f, 'utf8'))
    } catch {
      return []
    }
  })
}
