import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { judgeMailAccess, probeMailAccess, SCRIPT } from './mail-access'

const fe = { id: 'fe2', ip: '10.231.1.42' }

describe('mail.access', () => {
  it('passes when the IMAP, POP3 and submission logins through the frontend all worked', () => {
    const out = ['imap 0 41 * STATUS INBOX (MESSAGES 3)', 'pop3 0 35 1 512 2 600 3 700', 'submission 0 220 <~  235 2.7.0 Authentication successful'].join('\n')
    expect(judgeMailAccess(fe, 'edge', 'alice', out)).toMatchObject({
      id: 'mail.access',
      target: 'fe2',
      ok: true,
      message: 'alice logged in via fe2 (10.231.1.42) from edge: IMAP (3 in INBOX) 41 ms, POP3 35 ms, submission 220 ms',
      values: { imapMs: 41, pop3Ms: 35, submissionMs: 220 },
    })
  })

  it('names each step that failed with what the server said, and a step that never ran', () => {
    const out = ['imap 67 120 curl: (67) Login denied', 'pop3 0 30 '].join('\n')
    const r = judgeMailAccess(fe, 'edge', 'alice', out)
    expect(r.ok).toBe(false)
    expect(r.message).toBe('mail as alice via fe2 (10.231.1.42) from edge: IMAP failed (exit 67): curl: (67) Login denied; submission did not run')
  })

  it('runs one script on the edge with the user, the password and the frontend address as arguments', async () => {
    const calls: string[][] = []
    const r = await probeMailAccess(async (server, cmd) => (calls.push([server, ...cmd]), { exitCode: 0, stdout: 'imap 0 1 \npop3 0 1 \nsubmission 0 1 \n', stderr: '' }), 'edge', fe, { name: 'alice', password: 'alice-2007' })
    expect(r.ok).toBe(true)
    expect(calls).toEqual([['edge', 'sh', '-c', SCRIPT, 'racklab-mail-access', 'alice', 'alice-2007', '10.231.1.42']])
    const gone = await probeMailAccess(() => Promise.reject(new Error('no such container')), 'edge', fe, { name: 'alice', password: 'x' })
    expect(gone).toMatchObject({ ok: false, message: 'mail as alice via fe2: could not run on edge: Error: no such container' })
  })

  it('the script keeps what the proxy answered (its store down is not a wrong password), and the STATUS line', () => {
    // stand-ins for curl and swaks: -v's trace on stderr, as curl prints it; MODE picks the lab's state
    const dir = mkdtempSync(join(tmpdir(), 'racklab-mail-access-'))
    try {
      const curl = [
        '#!/bin/sh',
        'case "$MODE $*" in',
        `  down*imap://*) printf '%s\n' '< * OK IMAP4 ready' '> A002 AUTHENTICATE PLAIN eA==' '< * BAD internal server error' '* Closing connection 0' 'curl: (56) response reading failed (errno: 115)' >&2; exit 56 ;;`,
        `  down*pop3://*) printf '%s\n' '< +OK POP3 ready' '< + ' '< -ERR internal server error' '* Closing connection 0' 'curl: (67) Login denied' >&2; exit 67 ;;`,
        `  up*imap://*) printf '%s\n' '< * OK IMAP4 ready' '< * STATUS INBOX (MESSAGES 3)' '< A004 OK Completed' '< * BYE LOGOUT received' >&2; echo '* STATUS INBOX (MESSAGES 3)' ;;`,
        `  up*pop3://*) printf '%s\n' '< +OK 3 messages' >&2; printf '1 512\n2 600\n' ;;`,
        'esac',
      ].join('\n')
      writeFileSync(join(dir, 'curl'), curl + '\n', { mode: 0o755 })
      writeFileSync(join(dir, 'swaks'), "#!/bin/sh\necho '<~  235 2.7.0 Authentication successful'\n", { mode: 0o755 })
      const run = (mode: string): string => execFileSync('sh', ['-c', SCRIPT, 'racklab-mail-access', 'alice', 'alice-2007', '10.231.1.42'], { env: { ...process.env, MODE: mode, PATH: `${dir}:${process.env.PATH}` } }).toString()
      expect(judgeMailAccess(fe, 'edge', 'alice', run('down')).message).toBe(
        'mail as alice via fe2 (10.231.1.42) from edge: IMAP failed (exit 56): * BAD internal server error curl: (56) response reading failed (errno: 115); POP3 failed (exit 67): -ERR internal server error curl: (67) Login denied',
      )
      expect(judgeMailAccess(fe, 'edge', 'alice', run('up'))).toMatchObject({ ok: true, message: expect.stringMatching(/^alice logged in via fe2 \(10\.231\.1\.42\) from edge: IMAP \(3 in INBOX\) \d+ ms, POP3 \d+ ms, submission \d+ ms$/) })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
