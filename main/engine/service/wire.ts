// The engine socket speaks NDJSON: one JSON message per line, both ways. Lines are capped so a bad client
// can't make the engine buffer without bound.
import type { Reply } from '@contract/errors'

export const MAX_LINE = 8 * 1024 * 1024

/** client → engine */
export type ClientMessage =
  | { id: number; cmd: string; arg?: unknown }
  | { id: number; svc: 'info' | 'stop' | 'subscribe' }

/** engine → client */
export type EngineMessage =
  | { id: number; reply: Reply<unknown> }
  | { ev: string; p: unknown }

/** Split a byte stream into lines; hands each complete line to `onLine`. Returns the feeder. */
export function lineReader(onLine: (line: string) => void, onTooLong: () => void): (chunk: Buffer) => void {
  let buf = ''
  return (chunk) => {
    buf += chunk.toString('utf8')
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      if (line.trim()) onLine(line)
    }
    if (buf.length > MAX_LINE) {
      buf = ''
      onTooLong()
    }
  }
}

export const encode = (m: ClientMessage | EngineMessage): string => JSON.stringify(m) + '\n'
