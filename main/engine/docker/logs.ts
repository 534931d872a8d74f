// Container logs as text. Non-TTY containers (all of ours) frame stdout/stderr; TTY ones don't.
import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import type Docker from 'dockerode'
import { Demuxer, TextLines, demuxBuffer } from './demux'

async function isTty(docker: Docker, container: string): Promise<boolean> {
  const i = await docker.getContainer(container).inspect()
  return i.Config.Tty === true
}

/** The last `tail` lines of stdout+stderr, interleaved as docker stored them; only those since `sinceMs` (wall
 *  clock, to the millisecond: Docker's own filter is whole seconds, so its timestamps are read and cut here). */
export async function readLogs(docker: Docker, container: string, tail: number, sinceMs?: number): Promise<string> {
  const tty = await isTty(docker, container)
  const buf = await docker.getContainer(container).logs({ stdout: true, stderr: true, follow: false, tail, ...(sinceMs === undefined ? {} : { since: Math.floor(sinceMs / 1000), timestamps: true }) })
  const text = tty ? buf.toString('utf8') : demuxBuffer(buf).combined
  return sinceMs === undefined ? text : linesSince(text, sinceMs)
}

/** lines Docker stamped (RFC 3339, "2026-12-01T00:56:52.123456789Z text") at or after `sinceMs`, without the stamp */
export function linesSince(text: string, sinceMs: number): string {
  const out: string[] = []
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ')
    const at = Date.parse(sp > 0 ? line.slice(0, sp) : '')
    if (Number.isFinite(at) && at >= sinceMs) out.push(line.slice(sp + 1))
  }
  return out.join('\n')
}

/** Follow new log lines until the returned stop is called or the container goes away. */
export async function followLogLines(docker: Docker, container: string, onLine: (line: string) => void): Promise<() => void> {
  const tty = await isTty(docker, container)
  const stream = (await docker.getContainer(container).logs({ stdout: true, stderr: true, follow: true, tail: 0 })) as Readable
  const lines = { stdout: new TextLines(onLine), stderr: new TextLines(onLine) }
  const decoder = new StringDecoder('utf8')
  const demux = new Demuxer((kind, text) => lines[kind].push(text))
  stream.on('data', (c: Buffer) => (tty ? lines.stdout.push(decoder.write(c)) : demux.push(c)))
  stream.on('end', () => {
    if (tty) lines.stdout.push(decoder.end())
    else demux.end()
    lines.stdout.flush()
    lines.stderr.flush()
  })
  // a dropped log stream is not worth crashing over; the caller can follow again
  stream.on('error', () => undefined)
  return () => stream.destroy()
}
