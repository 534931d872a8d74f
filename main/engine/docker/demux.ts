// Docker multiplexes stdout/stderr of non-TTY containers and execs into frames:
// [stream(1 byte), 0,0,0, length(uint32 BE)] + payload. Frames split across chunks anywhere.
import { StringDecoder } from 'node:string_decoder'

export type StreamKind = 'stdout' | 'stderr'

/** Stateful frame parser; feed it raw chunks, get decoded text per stream (UTF-8 safe across frames). */
export class Demuxer {
  private buf: Buffer = Buffer.alloc(0)
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') }

  constructor(private readonly onText: (kind: StreamKind, text: string) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4)
      if (this.buf.length < 8 + len) break
      const type = this.buf[0]
      const payload = this.buf.subarray(8, 8 + len)
      this.buf = this.buf.subarray(8 + len)
      // 0 = stdin (echoed only with a TTY), 1 = stdout, 2 = stderr
      const kind: StreamKind = type === 2 ? 'stderr' : 'stdout'
      const text = this.decoders[kind].write(payload)
      if (text) this.onText(kind, text)
    }
  }

  end(): void {
    for (const kind of ['stdout', 'stderr'] as const) {
      const rest = this.decoders[kind].end()
      if (rest) this.onText(kind, rest)
    }
  }
}

/** Demux a complete buffer (e.g. non-follow logs) into the two texts and their interleaving. */
export function demuxBuffer(buf: Buffer): { stdout: string; stderr: string; combined: string } {
  const out = { stdout: '', stderr: '', combined: '' }
  const d = new Demuxer((kind, text) => {
    out[kind] += text
    out.combined += text
  })
  d.push(buf)
  d.end()
  return out
}

/** Accumulates text and emits whole lines; `flush` emits a trailing partial line. */
export class TextLines {
  private rest = ''
  constructor(private readonly onLine: (line: string) => void) {}
  push(text: string): void {
    const parts = (this.rest + text).split('\n')
    this.rest = parts.pop() ?? ''
    for (const p of parts) this.onLine(p.replace(/\r$/, ''))
  }
  flush(): void {
    if (this.rest) this.onLine(this.rest.replace(/\r$/, ''))
    this.rest = ''
  }
}
