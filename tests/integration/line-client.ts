// A scripted dialogue with a line protocol (SMTP, POP3, IMAP) on a host port: send, wait for the reply pattern.
import { connect } from 'node:net'

export interface Step {
  send?: string
  /** the reply to wait for before the next step (matched against everything received since the last send) */
  expect: RegExp
}

export function dialogue(port: number, steps: Step[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    let transcript = ''
    let since = ''
    let i = 0
    s.setTimeout(timeoutMs, () => s.destroy(new Error(`timed out at step ${i} (${steps[i]?.expect}); got:\n${transcript}`)))
    s.on('data', (d: Buffer) => {
      transcript += d.toString()
      since += d.toString()
      while (i < steps.length && steps[i]!.expect.test(since)) {
        since = ''
        i++
        const next = steps[i]
        if (!next) {
          s.end()
          return resolve(transcript)
        }
        if (next.send !== undefined) s.write(next.send)
      }
    })
    s.on('error', reject)
  })
}
