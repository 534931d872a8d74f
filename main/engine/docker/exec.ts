// Commands inside containers: plain exec with demuxed output, optional stdin and a timeout.
import type { Duplex } from 'node:stream'
import type Docker from 'dockerode'
import { LabError } from '@contract/errors'
import { Demuxer } from './demux'
import { commandLabel } from './command-label'
import type { ExecResult } from './types'

export interface ExecOptions {
  stdin?: string
  user?: string
  env?: Record<string, string>
  timeoutMs?: number
}

const envList = (env?: Record<string, string>): string[] | undefined => (env ? Object.entries(env).map(([k, v]) => `${k}=${v}`) : undefined)

/** The exit code, once docker has recorded it (it can lag the end of the stream by a moment). */
export async function exitCodeOf(ex: Docker.Exec): Promise<number> {
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
        done(new LabError('ENGINE_ERROR', `"${commandLabel(cmd)}" in ${container} did not finish within ${opts.timeoutMs} ms`, { timeout: true, stdout, stderr }))
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
