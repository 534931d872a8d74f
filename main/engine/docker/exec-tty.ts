// TTY exec sessions for consoles. Docker keeps a TTY exec running after its client disconnects
// (measured on 20.10: an interactive bash and `sleep` both survive), and has no API to kill an
// exec. So the command is started through sh, which announces its PID in an escape sequence we
// strip from the output; close() hangs it up with SIGHUP (SIGKILL a second later if needed).
import type { Duplex } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import type Docker from 'dockerode'
import { exitCodeOf, runExec } from './exec'
import type { ExecSession } from './types'

/** OSC sequence no terminal acts on; sh prints it once, then execs the real command (same PID). */
const MARK = /\x1b\]9999;racklab-pid=(\d+)\x07/
const ANNOUNCE = 'printf "\\033]9999;racklab-pid=%s\\007" "$$"; exec "$@"'

export function wrapWithPidMark(cmd: string[]): string[] {
  return ['/bin/sh', '-c', ANNOUNCE, 'sh', ...cmd]
}

/** Splits the PID mark off the head of the output. Returns the visible text and the PID when found. */
export class PidMarkReader {
  private head = ''
  private done = false
  pid: number | undefined
  take(text: string): string {
    if (this.done) return text
    this.head += text
    const m = MARK.exec(this.head)
    if (m) {
      this.done = true
      this.pid = Number(m[1])
      const rest = this.head.replace(m[0], '')
      this.head = ''
      return rest
    }
    // the mark is the first thing printed; if it hasn't shown after a while, it never will
    if (this.head.length > 80) {
      this.done = true
      const rest = this.head
      this.head = ''
      return rest
    }
    return ''
  }
}

export async function openTtyExec(docker: Docker, container: string, cmd: string[], cols: number, rows: number): Promise<ExecSession> {
  const ex = await docker.getContainer(container).exec({
    Cmd: wrapWithPidMark(cmd),
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color', `COLUMNS=${cols}`, `LINES=${rows}`],
  })
  const stream = (await ex.start({ hijack: true, stdin: true, Tty: true })) as Duplex
  const decoder = new StringDecoder('utf8')
  const mark = new PidMarkReader()
  const dataFns: ((chunk: string) => void)[] = []
  const exitFns: ((code: number | null) => void)[] = []
  let pending: string[] = []
  let ended = false
  let closing = false
  let exit: { code: number | null } | undefined

  const emit = (text: string): void => {
    if (!text) return
    if (dataFns.length) dataFns.forEach((f) => f(text))
    else pending.push(text)
  }
  const hangUp = (): void => {
    if (ended || mark.pid === undefined) return
    const script = 'kill -HUP "$1" 2>/dev/null; sleep 1; kill -0 "$1" 2>/dev/null && kill -KILL "$1"; true'
    runExec(docker, container, ['/bin/sh', '-c', script, 'sh', String(mark.pid)], { timeoutMs: 5000 }).catch(() => undefined)
  }
  const finish = (): void => {
    if (ended) return
    ended = true
    emit(mark.take(decoder.end()))
    const settle = (code: number | null): void => {
      exit = { code }
      exitFns.forEach((f) => f(code))
    }
    exitCodeOf(ex).then(settle, () => settle(null))
  }
  stream.on('data', (c: Buffer) => {
    const known = mark.pid !== undefined
    emit(mark.take(decoder.write(c)))
    // close() came before the PID did: hang up now that we know whom
    if (!known && mark.pid !== undefined && closing) hangUp()
  })
  stream.on('end', finish)
  stream.on('close', finish)
  stream.on('error', finish)
  await ex.resize({ h: rows, w: cols }).catch(() => undefined) // a very short command may be gone already

  return {
    write: (data) => {
      if (!stream.writableEnded && !stream.destroyed) stream.write(data)
    },
    resize: async (c, r) => {
      if (ended) return
      await ex.resize({ h: r, w: c })
    },
    close: () => {
      if (closing) return
      closing = true
      hangUp()
      // the stream ends by itself once the command is gone; don't hold the socket forever
      setTimeout(() => stream.destroy(), 3000).unref()
    },
    onData: (fn) => {
      dataFns.push(fn)
      const early = pending
      pending = []
      early.forEach(fn)
    },
    onExit: (fn) => {
      exitFns.push(fn)
      if (exit) fn(exit.code)
    },
  }
}
