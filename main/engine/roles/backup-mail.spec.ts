// What a mail restore puts back and what it reports lost, from a snapshot's record and the mailbox now.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { TopologySchema, type Topology } from '@contract/topology'
import { deliveriesIn, mailStores, readSource, restorePlan, storeSentence, type MailboxRecord, type UserRecord } from './backup-mail'

const msg = (uid: number, guid: string): MailboxRecord['messages'][number] => ({ uid, guid: guid.repeat(40).slice(0, 40), size: 10, flags: ['\\Seen'], internaldate: '14-Jun-2007 02:00:00 +0000' })
const user = (boxes: MailboxRecord[]): UserRecord => ({ name: 'alice', mailboxes: boxes })
const box = (name: string, uidvalidity: number, uidnext: number, messages: MailboxRecord['messages']): MailboxRecord => ({ name, uidvalidity, uidnext, messages })

describe('restorePlan', () => {
  const snap = user([box('INBOX', 7, 4, [msg(1, 'a'), msg(2, 'b'), msg(3, 'c')]), box('INBOX.Sent', 8, 2, [msg(1, 'd')])])

  it('puts back what is missing by GUID, with its mailbox, flags and date; counts what is there', () => {
    const now = user([box('INBOX', 7, 4, [msg(2, 'b')]), box('INBOX.Sent', 8, 2, [msg(1, 'd')])])
    const p = restorePlan(snap, now)
    expect(p.restore.map((m) => [m.mailbox, m.guid[0]])).toEqual([['INBOX', 'a'], ['INBOX', 'c']])
    expect(p.restore[0]).toMatchObject({ flags: ['\\Seen'], internaldate: '14-Jun-2007 02:00:00 +0000' })
    expect(p.present).toBe(2)
    expect(p.lostSince).toBe(0)
  })

  it('counts mail that arrived after the snapshot and is gone: UIDs handed out since, not present now', () => {
    // UIDs 4, 5, 6 arrived after the snapshot (UIDNEXT 4 then, 7 now); only 6 is still there
    const now = user([box('INBOX', 7, 7, [msg(6, 'f')]), box('INBOX.Sent', 8, 2, [msg(1, 'd')])])
    const p = restorePlan(snap, now)
    expect(p.restore).toHaveLength(3)
    expect(p.lostSince).toBe(2)
  })

  it('cannot count what was lost when a mailbox was made anew (another UIDVALIDITY) or is gone', () => {
    expect(restorePlan(snap, user([box('INBOX', 99, 1, [])])).lostSince).toBeUndefined()
    expect(restorePlan(snap, undefined)).toMatchObject({ present: 0, lostSince: undefined })
    expect(restorePlan(snap, undefined).restore).toHaveLength(4)
  })
})

describe('which node a backup reads', () => {
  it('a healthy replica first, the master when the replica is down or resyncing', () => {
    const master = { id: 'imap1', up: true, role: 'master' as const }
    expect(readSource([master, { id: 'imap2', up: true, role: 'replica' }])?.id).toBe('imap2')
    expect(readSource([master, { id: 'imap2', up: false }])?.id).toBe('imap1')
    expect(readSource([master, { id: 'imap2', up: true, role: 'replica', awaitingResync: true }])?.id).toBe('imap1')
    expect(readSource([{ id: 'imap1', up: false }, { id: 'imap2', up: false }])).toBeUndefined()
  })

  it('the stores are the topology\'s Cyrus masters with their replicas', () => {
    const t = TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8'))) as Topology
    const imaps = t.sites.flatMap((s) => s.racks.flatMap((r) => r.units)).filter((u) => 'role' in u && u.role === 'imap') as { id: string; replicaOf?: string }[]
    const stores = mailStores(t)
    expect(stores.length).toBeGreaterThan(0)
    expect(stores.map((s) => s.home)).toEqual(imaps.filter((u) => !u.replicaOf).map((u) => u.id))
    for (const s of stores) expect(s.replica).toBe(imaps.find((u) => u.replicaOf === s.home)?.id)
  })
})

describe('deliveriesIn', () => {
  it('counts the LMTP deliveries Postfix logged as sent to that user, nothing else', () => {
    const log = [
      'Dec 01 00:24:50 mx1 postfix/lmtp[6694]: 0F3B: to=<bob@fastmail.test>, relay=mx1.fastmail.test[/var/run/lmtpforward/lmtp.sock], delay=3.1, dsn=2.1.5, status=sent (250 2.1.5 Success)',
      'Dec 01 00:24:51 mx1 postfix/lmtp[6694]: 0F3C: to=<bob@fastmail.test>, relay=mx1.fastmail.test[/var/run/lmtpforward/lmtp.sock], delay=3.1, dsn=4.4.1, status=deferred (connect failed)',
      'Dec 01 00:24:52 mx1 postfix/lmtp[6694]: 0F3D: to=<bobby@fastmail.test>, relay=x, dsn=2.1.5, status=sent (250 2.1.5 Success)',
      'Dec 01 00:24:53 mx1 postfix/smtpd[1]: 0F3E: client=localhost, to=<bob@fastmail.test>, status=sent (no)',
      'Dec 01 00:24:54 mx1 postfix/lmtp[6694]: 0F3F: to=<bob@fastmail.test>, relay=x, dsn=2.1.5, status=sent (250 2.1.5 Success)',
    ].join('\n')
    expect(deliveriesIn(log, 'bob', 'fastmail.test')).toBe(2)
  })
})

describe('storeSentence', () => {
  const r = { store: 'imap1', stamp: '20070616T020000', accounts: 4, mailboxes: 8, messages: 1200, bytes: 2_400_000, newFiles: 0, newBytes: 0, ms: 140 }
  it('says where the record came from, and when it is the master\'s', () => {
    expect(storeSentence('imap1', { ...r, source: 'imap2', newFiles: 3, newBytes: 600 })).toBe('imap1 from imap2: 4 accounts, 1200 messages, 3 new files (600 bytes) in 0.14 s')
    expect(storeSentence('imap1', { ...r, source: 'imap1' })).toBe('imap1 from imap1 (the master: no healthy replica): 4 accounts, 1200 messages, 0 new files (0 bytes) in 0.14 s')
  })
  it('a replica that had not caught up with its master is named with how far behind it was', () => {
    expect(storeSentence('imap1', { ...r, source: 'imap1', behind: "imap2: bob's INBOX is at UIDVALIDITY 7 UIDNEXT 5 MODSEQ 9, another node was at 7 12 20" }))
      .toBe("imap1 from imap1 (its nodes had not caught up with each other within 5 s: imap2: bob's INBOX is at UIDVALIDITY 7 UIDNEXT 5 MODSEQ 9, another node was at 7 12 20): 4 accounts, 1200 messages, 0 new files (0 bytes) in 0.14 s")
  })
  it('an unchanged store: the record of the night it was taken, and the nodes whose STATUS still matched it', () => {
    expect(storeSentence('imap1', { ...r, source: 'imap1', unchangedSince: '20070615T020000', checkedOn: ['imap1', 'imap2'] }))
      .toBe('imap1 from imap1: 4 accounts, 1200 messages, 0 new files (0 bytes) in 0.14 s, unchanged since 20070615T020000 (every mailbox\'s STATUS as then on imap1 and imap2)')
  })
})
