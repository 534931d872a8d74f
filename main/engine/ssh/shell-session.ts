// A console over SSH (RACKLAB_CONSOLE=ssh): the engine logs in to the server's sshd as the lab's operator,
// checks the host key against the one in the lab's state, and opens a login shell on a PTY. Same shape as a
// docker-exec console (docker/exec-tty.ts), so the console manager (lab/consoles.ts) does not care which.
import ssh2 from 'ssh2'
import { StringDecoder } from 'node:string_decoder'
import type { ExecSession } from '../docker/types'
import { publicBlob, type Ed25519Key } from './openssh-key'

export interface SshShellTarget {
  server: string
  host: string
  /** the server's host key (from the lab's state): anything else is refused */
  hostKey: Pick<Ed25519Key, 'pub'>
  /** the operator's private key file (OpenSSH format) */
  privateKey: string
}

export function openSshShell(t: SshShellTarget, cols: number, rows: number): Promise<ExecSession> {
  const conn = new ssh2.Client()
  const expected = publicBlob(t.hostKey)
  let wrongHostKey = false
  return new Promise((resolve, reject) => {
    conn.on('error', (e) =>
      reject(new Error(wrongHostKey ? `${t.server} (${t.host}) presented a host key that is not the lab's: console refused` : `SSH to ${t.server} (${t.host}) failed: ${e.message}`)),
    )
    conn.on('ready', () => {
      conn.shell({ term: 'xterm-256color', cols, rows }, (err, stream) => {
        if (err) {
          conn.end()
          return reject(new Error(`SSH to ${t.server}: no shell (${err.message})`))
        }
        const decoder = new StringDecoder('utf8')
        const dataFns: ((chunk: string) => void)[] = []
        const exitFns: ((code: number | null) => void)[] = []
        let pending: string[] = []
        let exit: { code: number | null } | undefined
        let code: number | null = null
        const emit = (text: string): void => {
          if (!text) return
          if (dataFns.length) dataFns.forEach((f) => f(text))
          else pending.push(text)
        }
        stream.on('data', (b: Buffer) => emit(decoder.write(b)))
        stream.stderr.on('data', (b: Buffer) => emit(decoder.write(b)))
        stream.on('exit', (c: number | null) => (code = c))
        stream.on('close', () => {
          emit(decoder.end())
          conn.end()
          exit = { code }
          exitFns.forEach((f) => f(code))
        })
        resolve({
          write: (data) => void stream.write(data),
          resize: async (c, r) => void stream.setWindow(r, c, 0, 0),
          // closing the channel hangs up the shell (sshd sends it SIGHUP)
          close: () => conn.end(),
          onData: (fn) => {
            dataFns.push(fn)
            const held = pending
            pending = []
            held.forEach(fn)
          },
          onExit: (fn) => (exit ? fn(exit.code) : void exitFns.push(fn)),
        })
      })
    })
    conn.connect({
      host: t.host,
      port: 22,
      username: 'root',
      privateKey: t.privateKey,
      readyTimeout: 15_000,
      hostVerifier: (key: Buffer) => {
        wrongHostKey = !key.equals(expected)
        return !wrongHostKey
      },
    })
  })
}
