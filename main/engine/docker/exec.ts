// Commands inside containers: plain exec (demuxed output, optional stdin, timeout) and TTY
// sessions for consoles (raw stream, resize, close hangs up the pty).
import type { Duplex } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import type Docker from 'dockerode'
import { LabError } from '@contract/errors'
import { Demuxer } from './demux'
import type { ExecResult, ExecSession } from './types'

export interface ExecOptions {
  stdin?: string
  user?: string
  env?: Record<string, string>
  timeoutMs?: number
}

const envList = (env?: Record<string, string>): string[] | undefined => (env ? Object.entries(env).map(([k, v]) => `${k}=${v}`) : undefined)

/** The exit code, once docker has recorded it (it can lag the end of the stream by a moment). */
async function exitCodeOf(ex: Docker.Exec): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const info = await ex.inspect()
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new LabError('ENGINE_ERROR', 'Docker did not report the exit code of an exec that ended')
}

export async function runExec(docker: Docker, container: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const withStdin = opts.stdin !== undefined
  const createOpts: Docker.ExecCreateOptions = { Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: withStdin, Tty: false }
  if (opts.user) createOpts.User = opts.user
  const env = envList(opts.env)
  if (env) createOpts.Env = env
  const ex = await docker.getContainer(container).exec(createOpts)
  const stream = (await ex.start({ hijack: true, stdin: withStdin })) as Duplex
  let stdout = ''
  let stderr = ''
  const demux = new Demuxer((kind, text) => {
    if (kind === 'stdout') stdout += text
    else stderr += text
  })
  await new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const done = (err?: Error): void => {
      if (timer) clearTimeout(timer)
      timer = undefined
      if (err) reject(err)
      else resolve()
    }
    if (opts.timeoutMs) {
      timer = setTimeout(() => {
        stream.destroy()
        // the process itself may keep running: docker has no API to kill an exec
        done(new LabError('ENGINE_ERROR', `"${cmd.join(' ')}" in ${container} did not finish within ${opts.timeoutMs} ms`, { timeout: true, stdout, stderr }))
      }, opts.timeoutMs)
    }
    stream.on('data', (c: Buffer) => demux.push(c))
    stream.on('end', () => {
      demux.end()
      done()
    })
    stream.on('close', () => done())
    stream.on('error', (e: Error) => done(e))
    // half-close after stdin so the command sees EOF
    if (withStdin) stream.end(opts.stdin)
  })
  return { exitCode: await exitCodeOf(ex), stdout, stderr }
}

/** A TTY exec. Output arriving before a listener registers is kept and replayed. */
export async function openTtyExec(docker: Docker, container: string, cmd: string[], cols: number, rows: number): Promise<ExecSession> {
  const ex = await docker.getContainer(container).exec({
    Cmd: cmd,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color', `COLUMNS=${cols}`, `LINES=${rows}`],
  })
  const stream = (await ex.start({ hijack: true, stdin: true, Tty: true })) as Duplex
  const decoder = new StringDecoder('utf8')
  const dataFns: ((chunk: string) => void)[] = []
  const exitFns: ((code: number | null) => void)[] = []
  let pending: string[] = []
  let ended = false
  let exit: { code: number | null } | undefined
  const emit = (text: string): void => {
    if (!text) return
    if (dataFns.length) dataFns.forEach((f) => f(text))
    else pending.push(text)
  }
  const finish = (): void => {
    if (ended) return
    ended = true
    emit(decoder.end())
    const settle = (code: number | null): void => {
      exit = { code }
      exitFns.forEach((f) => f(code))
    }
    exitCodeOf(ex).then(settle, () => settle(null))
  }
  stream.on('data', (c: Buffer) => emit(decoder.write(c)))
  stream.on('end', finish)
  stream.on('close', finish)
  stream.on('error', finish)
  await ex.resize({ h: rows, w: cols }).catch(() => undefined) // the pty may not exist yet for very short commands
  return {
    write: (data) => {
      if (!stream.writableEnded && !stream.destroyed) stream.write(data)
    },
    resize: async (c, r) => {
      if (ended) return
      await ex.resize({ h: r, w: c })
    },
    close: () => {
      // closing the hijacked connection closes the pty master: the shell gets SIGHUP
      if (!stream.destroyed) stream.end()
      setTimeout(() => stream.destroy(), 500).unref()
    },
    onData: (fn) => {
      dataFns.push(fn)
      const early = pending
      pending = []
      early.forEach(fn)
    },
    onExit: (fn) => {
      exitFns.push(fn)
      // already finished: report it now
      if (exit) fn(exit.code)
    },
  }
}
