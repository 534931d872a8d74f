// The checker's verdicts on made-up histories: each kind of trouble is found, and only where it is.
import { describe, expect, it } from 'vitest'
import { checkHistory, percentile } from './check'
import { parseSpoolIndex, type StoredMessage } from './stores'
import { bodySha1, composeMessage, startWorkload, type SentMessage } from './workload'
import { rngFor } from '../hardware/random'

/** refused = true: the MX answered 451 */
const sent = (n: number, to = 'alice@fastmail.test', refused = false): SentMessage => ({ n, messageId: `<wl.t.${n}@fastmail.test>`, to, via: 'mx1', sha1: `sha${n}`, reply: refused ? '451 4.3.0 try later' : '250 2.0.0 Ok', ...(refused ? {} : { acceptedAt: 1000 * n }) })
const stored = (server: string, m: SentMessage, over: Partial<StoredMessage> = {}): StoredMessage => ({ server, user: m.to.split('@')[0]!, mailbox: 'INBOX', messageId: m.messageId, sha1: m.sha1, storedAt: (m.acceptedAt ?? 0) + 100 * m.n, ...over })

describe('checkHistory', () => {
  const a = [sent(1), sent(2, 'bob@fastmail.test'), sent(3), sent(4, 'alice@fastmail.test', true)]

  it('a clean history: everything accepted is on both stores once, with latency from accept to the first store', () => {
    const both = (server: string): StoredMessage[] => a.slice(0, 3).map((m) => stored(server, m))
    const r = checkHistory(a, [{ server: 'imap1', messages: both('imap1') }, { server: 'imap2', messages: both('imap2').map((m) => ({ ...m, storedAt: m.storedAt! + 5000 })) }])
    expect(r).toMatchObject({ sent: 4, accepted: 3, refused: 1, lost: [], duplicated: [], misrouted: [], replicaDiffers: [], altered: [], storedNotAccepted: [], unreadable: [] })
    expect(r.latencyMs).toEqual({ p50: 200, p90: 300, p99: 300, max: 300 })
  })

  it('an accepted message on no store is lost; one that was refused is not', () => {
    const r = checkHistory(a, [{ server: 'imap1', messages: [stored('imap1', a[0]!), stored('imap1', a[1]!)] }])
    expect(r.lost).toEqual([a[2]!.messageId])
    expect(r.refused).toBe(1)
  })

  it('finds duplicates, misrouting, altered bodies, replica differences and mail stored though refused', () => {
    const m1 = stored('imap1', a[0]!)
    const r = checkHistory(a, [
      { server: 'imap1', messages: [m1, m1, stored('imap1', a[1]!, { user: 'carol' }), stored('imap1', a[2]!, { sha1: 'other' }), stored('imap1', a[3]!)] },
      { server: 'imap2', messages: [m1, stored('imap2', a[1]!, { user: 'carol' }), stored('imap2', a[2]!)] },
    ])
    expect(r.duplicated).toEqual([a[0]!.messageId])
    expect(r.misrouted).toEqual([a[1]!.messageId])
    expect(r.altered).toEqual([a[2]!.messageId])
    // a[0]: two copies on imap1, one on imap2; a[2]: another body on imap1
    expect(r.replicaDiffers).toEqual([a[0]!.messageId, a[2]!.messageId])
    expect(r.storedNotAccepted).toEqual([a[3]!.messageId])
    expect(r.lost).toEqual([])
  })

  it('a store that could not be read is reported, and what the others hold still counts', () => {
    const r = checkHistory(a.slice(0, 1), [{ server: 'imap1', messages: [stored('imap1', a[0]!)] }, { server: 'imap2', error: 'connection refused' }])
    expect(r.unreadable).toEqual([{ server: 'imap2', error: 'connection refused' }])
    expect(r.lost).toEqual([])
  })

  it('nearest-rank percentiles', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1)
    expect([percentile(s, 50), percentile(s, 90), percentile(s, 99), percentile([7], 99)]).toEqual([50, 90, 99, 7])
  })
})

describe('the workload', () => {
  const spec = { via: ['mx1', 'mx2'], to: ['alice@fastmail.test', 'bob@fastmail.test'], seed: 42, everyMs: 0 }

  it('the same seed gives the same stream; another seed another', () => {
    const stream = (seed: number): string[] => {
      const rng = rngFor(seed, 'mail-workload')
      return [1, 2, 3, 4, 5].map((n) => JSON.stringify(composeMessage({ ...spec, seed }, rng, 'tag', n)))
    }
    expect(stream(42)).toEqual(stream(42))
    expect(stream(42)).not.toEqual(stream(43))
    const m = composeMessage(spec, rngFor(1, 'x'), 'tag', 7)
    expect(m.messageId).toBe('<wl.tag.7@fastmail.test>')
    expect(m.data).toContain(`Message-ID: ${m.messageId}\n\n${m.body}`)
  })

  it('records each send with the reply; only a 250 is accepted', async () => {
    const replies = ['<-  250 2.0.0 Ok: queued as 1', '<** 451 4.3.0 try later', '<-  250 2.0.0 Ok: queued as 2']
    const calls: string[][] = []
    let i = 0
    let stopAfter: () => void = () => {}
    const stopped = new Promise<void>((res) => (stopAfter = res))
    const w = startWorkload(spec, 'tag', async (server, cmd) => {
      calls.push([server, ...cmd])
      const stdout = `=== Connected\n${replies[i++]}\n<-  221 bye\n`
      if (i === replies.length) stopAfter()
      return { exitCode: 0, stdout, stderr: '' }
    }, () => 5, () => Promise.resolve())
    await stopped
    const sent = await w.stop()
    expect(sent.slice(0, 3).map((s) => [s.reply, s.acceptedAt])).toEqual([['250 2.0.0 Ok: queued as 1', 5], ['451 4.3.0 try later', undefined], ['250 2.0.0 Ok: queued as 2', 5]])
    expect(calls[0]).toEqual(expect.arrayContaining(['swaks', '--server', '127.0.0.1', '--to', sent[0]!.to]))
    // the SHA1 is the body's, as the store side computes it (CRs and the trailing newline ignored)
    const data = calls[0]![calls[0]!.indexOf('--data') + 1]!
    expect(sent[0]!.sha1).toBe(bodySha1(data.split('\n\n').slice(1).join('\n\n').replace(/\n/g, '\r\n') + '\r\n'))
  })
})

describe('parseSpoolIndex', () => {
  it('reads GUID, body SHA1 and mtime lines, skipping noise', () => {
    const g = 'a'.repeat(40)
    const b = 'b'.repeat(40)
    const idx = parseSpoolIndex(`${g}\t${b}\t1700000000.250\nwarning: something\n`)
    expect([...idx]).toEqual([[g, { sha1: b, storedAt: 1_700_000_000_250 }]])
  })
})
