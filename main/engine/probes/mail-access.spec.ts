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
})
