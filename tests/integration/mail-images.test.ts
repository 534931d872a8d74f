// The mail tier's images on the real engine, without the lab engine: db1+db2, imap1 (master) + imap2 (replica)
// and mx1 on a private network 10.231.210.0/24 labelled racklab.lab=mailtest-<rand>, configured by the real
// role modules (db, imap, mx) from the nyi-2007 topology. Mail goes in over SMTP inside mx1 (swaks) and is
// read back from both Cyrus nodes; a stopped store makes mail queue (4xx) and a restarted one drains it once.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerUnit, Topology } from '@contract/topology'
import { createDockerGateway } from '../../main/engine/docker/gateway'
import { buildLabImage } from '../../main/engine/lab/build-image'
import { ImageCatalog } from '../../main/engine/lab/images'
import { containerName, networkLabels, networkName, volumeLabels, volumeName } from '../../main/engine/lab/naming'
import { containerSpec, ipFrom, placeServers } from '../../main/engine/lab/plan'
import type { LabSecrets } from '../../main/engine/lab/secrets'
import { waitHealthy } from '../../main/engine/lab/wait-healthy'
import { BootHealth } from '../../main/engine/lab/boot-health'
import { probeDelivery, probeQueue, probeReplication, probeSmtpAccepts, countQueue, lastSmtpReply, type Exec } from '../../main/engine/probes/mail'
import { roles, type HookContext } from '../../main/engine/roles/index'
import { db } from '../../main/engine/roles/db'
import { imap } from '../../main/engine/roles/imap'
import { mx } from '../../main/engine/roles/mx'
import { loadTopology } from '../../main/engine/topology/loader'
import { ownSubnets, relocateTopology } from '../../main/engine/topology/relocate'
import { ROOT, until } from './helpers'

const gw = createDockerGateway()
// the engine's own health check right after a start, as up runs it: Docker's steady check comes only 60 s after a
// start (lab/plan.ts), and waiting for it cost this file a minute per start (four waves and a restart)
const boot = new BootHealth(gw, () => {})
const labId = `mailtest-${randomBytes(3).toString('hex')}`
const SUBNET = '10.231.210'
// start order of the lab's dependsOn, restricted to the servers this test runs
const WAVES = [['db1'], ['db2', 'imap1'], ['imap2'], ['mx1']]
const defs = { db, imap, mx }
const secrets: LabSecrets = { repl: rnd(), app: rnd(), backup: rnd(), cyrus: rnd() }
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'

let topology: Topology
let domain: string
const units = new Map<string, ServerUnit>()

function rnd(): string {
  return randomBytes(12).toString('base64url')
}
/** the topology's address of a server, moved into this test's subnet (same last octet) */
const testIp = (from: string, to: string): string => `${SUBNET}.${ipFrom(placeServers(topology), from, to).split('.')[3]}`
const exec: Exec = (server, cmd) => gw.exec(containerName(labId, server), cmd, { timeoutMs: 60_000 })
const run = async (server: string, cmd: string[]): Promise<string> => {
  const r = await exec(server, cmd)
  if (r.exitCode !== 0) throw new Error(`${server}: ${cmd.join(' ')} exited ${r.exitCode}: ${r.stderr || r.stdout}`)
  return r.stdout
}

function hookContext(id: string): HookContext {
  const server = units.get(id)!
  const serversOf = (role: ServerUnit['role']): string[] => [...placeServers(topology).values()].filter((p) => p.server.role === role).map((p) => p.server.id)
  return { topology, server, secrets, labId, ipOf: (other) => testIp(id, other), serversOf, exec: (s, cmd, opts) => gw.exec(containerName(labId, s), cmd, opts),
    // the mail images' hooks never ask for TLS material; a frontend's would, and there is none here
    labCa: () => Promise.reject(new Error('this test runs no frontend and keeps no lab CA')) }
}

interface Found {
  mailbox: string
  guid: string
  spamFlag: string | null
  backscatter: string | null
}
async function find(server: string, user: string, messageId: string): Promise<Found[]> {
  return (JSON.parse(await run(server, ['racklab-mail-find', '--user', user, '--header', 'Message-ID', '--value', messageId])) as { messages: Found[] }).messages
}
/** swaks inside mx1; returns its exit code and the last server reply */
async function send(to: string, headers: string[], body: string, from = 'sender@example.test'): Promise<{ code: number; reply: string }> {
  const data = [...headers, `To: <${to}>`, '', body, ''].join('\n')
  const r = await exec('mx1', ['swaks', '--server', '127.0.0.1', '--to', to, '--from', from, '--timeout', '30', '--data', data])
  return { code: r.exitCode, reply: lastSmtpReply(r.stdout) ?? r.stderr }
}
const msgId = (tag: string): string => `<${tag}.${randomBytes(4).toString('hex')}@example.test>`

describe('mail images (db + imap pair + mx) on the real engine', () => {
  beforeAll(async () => {
    // the lab's int network moved into this test's subnet, as racklab relocates a lab (LAB_NETS follows)
    const loaded = (await loadTopology()).topology
    topology = relocateTopology(loaded, { ...ownSubnets(loaded), int: `${SUBNET}.0/24` })
    domain = topology.domain
    const catalog = new ImageCatalog(join(ROOT, 'lab-images'))
    await gw.ensureBaseImage(() => {})
    for (const ref of [catalog.base(), ...['db', 'imap', 'mx'].map((r) => catalog.role(r)!)])
      if (!(await gw.imageExists(ref.tag))) await buildLabImage(gw, catalog, ref, () => {})
    await gw.ensureNetwork({ name: networkName(labId, 'int'), subnet: `${SUBNET}.0/24`, internal: true, labels: networkLabels(labId, 'int') })
    const placed = placeServers(topology)
    for (const wave of WAVES) {
      await Promise.all(
        wave.map(async (id) => {
          const p = placed.get(id)!
          // one NIC on the test network, at the topology's last octet
          const server: ServerUnit = { ...p.server, nics: [{ network: 'int', ip: `${SUBNET}.${p.server.nics[0]!.ip.split('.')[3]}` }] }
          units.set(id, server)
          const def = defs[server.role as keyof typeof defs]
          const spec = def.spec(hookContext(id))
          for (const purpose of Object.keys(spec.volumes)) await gw.ensureVolume({ name: volumeName(labId, id, purpose), labels: volumeLabels(labId, id, purpose) })
          const cspec = containerSpec(labId, { ...p, server }, spec, catalog.role(server.role)!.tag, domain)
          const cid = await gw.createContainer({ ...cspec, publish: {} })
          await gw.startContainer(cid)
          await waitHealthy(gw, cid, id, new AbortController().signal, 120_000, boot)
          await def.afterHealthy?.(hookContext(id))
        }),
      )
    }
  })

  afterAll(async () => {
    boot.stop()
    for (const c of await gw.listContainers(labId)) await gw.removeContainer(c.id)
    for (const n of await gw.listNetworks(labId)) await gw.removeNetwork(n.name)
    for (const v of await gw.listVolumes(labId)) await gw.removeVolume(v.name, labId)
  })

  it('the role modules are what the registry serves, and the backscatter key module exists once, in the mx image', async () => {
    expect(roles.imap).toBe(imap)
    expect(roles.mx).toBe(mx)
    expect(existsSync(join(ROOT, 'lab-images/mx/lib/Racklab/MessageId.pm'))).toBe(false)
    const r = await gw.exec(containerName(labId, 'mx1'), ['perl', '-I/usr/local/lib/racklab', '-MRacklab::MessageId', '-e', 'print "ok"'])
    expect(r.stdout).toBe('ok')
  })

  it('a plain message to alice lands in INBOX on imap1 and, with the same GUID, on imap2', async () => {
    const id = msgId('plain')
    const r = await send(`alice@${domain}`, ['From: <sender@example.test>', 'Subject: hello', `Message-ID: ${id}`], 'Hello Alice.')
    expect(r).toMatchObject({ code: 0, reply: expect.stringMatching(/^250 2\.0\.0 Ok: queued/) })
    const m = await until('the message on imap1', async () => (await find('imap1', 'alice', id))[0], 20_000)
    expect(m).toMatchObject({ mailbox: 'INBOX', spamFlag: null, backscatter: null })
    const rep = await until('the message on imap2', async () => (await find('imap2', 'alice', id))[0], 20_000)
    expect(rep.guid).toBe(m.guid)
    expect(rep.guid).toMatch(/^[0-9a-f]{40}$/)
  })

  it('GTUBE is tagged as spam and filed into Junk, not the inbox', async () => {
    const id = msgId('gtube')
    expect((await send(`bob@${domain}`, ['From: <spammer@example.test>', 'Subject: offer', `Message-ID: ${id}`], GTUBE)).reply).toMatch(/^250 /)
    const found = await until('the spam on imap1', async () => {
      const f = await find('imap1', 'bob', id)
      return f.length ? f : undefined
    }, 30_000)
    expect(found).toEqual([expect.objectContaining({ mailbox: 'INBOX.Junk', spamFlag: 'YES' })])
  })

  it('EICAR is refused with 5xx at end of DATA and unknown users at RCPT', async () => {
    const virus = await send(`carol@${domain}`, ['From: <x@example.test>', 'Subject: invoice', `Message-ID: ${msgId('eicar')}`], EICAR)
    expect(virus.code).not.toBe(0)
    expect(virus.reply).toMatch(/^550 5\.7\.1 Virus found: Racklab\.EICAR/)
    const unknown = await send(`nobody@${domain}`, ['From: <x@example.test>', 'Subject: hi'], 'hi')
    expect(unknown.reply).toMatch(/^550 5\.1\.1 .*User unknown/)
    expect(countQueue(await run('mx1', ['postqueue', '-j'])).total).toBe(0)
  })

  it('a bounce of mail the lab never sent is tagged backscatter and filed into Junk; a genuine one is not', async () => {
    const ours = (await run('mx1', ['racklab-message-id'])).trim()
    const bounce = (id: string, ref: string): string[] => ['From: MAILER-DAEMON@remote.example', 'Subject: Undelivered Mail Returned to Sender', `Message-ID: ${id}`, `In-Reply-To: ${ref}`]
    const fake = msgId('backscatter')
    const real = msgId('genuine')
    expect((await send(`dave@${domain}`, bounce(fake, '<forged.1@spammer.example>'), 'Your message could not be delivered.', '<>')).reply).toMatch(/^250 /)
    expect((await send(`dave@${domain}`, bounce(real, ours), 'Your message could not be delivered.', '<>')).reply).toMatch(/^250 /)
    const f = await until('the backscatter', async () => (await find('imap1', 'dave', fake))[0], 20_000)
    expect(f).toMatchObject({ mailbox: 'INBOX.Junk', backscatter: expect.stringMatching(/^yes; /) })
    const g = await until('the genuine bounce', async () => (await find('imap1', 'dave', real))[0], 20_000)
    expect(g).toMatchObject({ mailbox: 'INBOX', backscatter: `no; references ${ours}` })
  })

  it('forged verdict headers are stripped at the MX: a bounce saying "Backscatter: no" still lands in Junk, a plain message saying "yes" in INBOX', async () => {
    const bounce = msgId('forged-no')
    const plain = msgId('forged-yes')
    const headers = (id: string, forged: string): string[] => ['From: MAILER-DAEMON@remote.example', 'Subject: Undelivered Mail Returned to Sender', `Message-ID: ${id}`,
      'In-Reply-To: <forged.2@spammer.example>', `X-Racklab-Backscatter: ${forged}`, 'X-Spam-Flag: NO']
    expect((await send(`dave@${domain}`, headers(bounce, 'no; references <forged.2@spammer.example>'), 'Your message could not be delivered.', '<>')).reply).toMatch(/^250 /)
    expect((await send(`dave@${domain}`, ['From: <friend@example.test>', 'Subject: hi', `Message-ID: ${plain}`, 'X-Racklab-Backscatter: yes; forged', 'X-Spam-Flag: YES'], 'hello')).reply).toMatch(/^250 /)
    const b = await until('the forged bounce', async () => (await find('imap1', 'dave', bounce))[0], 20_000)
    // the first (and only) X-Racklab-Backscatter is the milter's: the sender's copy never reached the store
    expect(b).toMatchObject({ mailbox: 'INBOX.Junk', backscatter: expect.stringMatching(/^yes; bounce of a message the lab never sent/) })
    const p = await until('the plain message', async () => (await find('imap1', 'dave', plain))[0], 20_000)
    expect(p).toMatchObject({ mailbox: 'INBOX', backscatter: null })
    expect(p.spamFlag).not.toBe('YES')
  })

  it('the LMTP proxy sockets are 0660 lmtpforward:postfix, not world-writable', async () => {
    const out = await run('mx1', ['stat', '-c', '%a %U:%G %n', '/var/run/lmtpforward/lmtp.sock', '/var/run/lmtpforward/recipients.sock'])
    expect(out.trim().split('\n')).toEqual(['660 lmtpforward:postfix /var/run/lmtpforward/lmtp.sock', '660 lmtpforward:postfix /var/run/lmtpforward/recipients.sock'])
  })

  it('probes: SMTP accepts, end to end on both nodes, queue empty, replicas consistent', async () => {
    expect(await probeSmtpAccepts({ exec }, 'mx1', `alice@${domain}`)).toMatchObject({ ok: true })
    const e2e = await probeDelivery({ exec }, { mx: 'mx1', master: 'imap1', replica: 'imap2', user: 'carol', domain })
    expect(e2e.message).toMatch(/same GUID/)
    expect(e2e.ok).toBe(true)
    expect(await probeQueue({ exec }, 'mx1')).toMatchObject({ ok: true, values: { total: 0 } })
    const rep = await until('replication to settle', async () => {
      const r = await probeReplication({ exec }, 'imap1')
      return r.ok ? r : undefined
    }, 20_000, 1000)
    expect(rep.values).toMatchObject({ differences: 0, syncClientRunning: true })
    expect(Number(rep.values!.messagesMaster)).toBeGreaterThanOrEqual(5)
  })

  it('imap1 stopped: 5 messages queue with 4xx from the proxy; imap1 back + postqueue -f: each delivered exactly once', async () => {
    const imap1 = containerName(labId, 'imap1')
    await gw.stopContainer(imap1, 20)
    const ids = Array.from({ length: 5 }, (_, i) => msgId(`queued${i}`))
    for (const [i, id] of ids.entries()) expect((await send(`alice@${domain}`, ['From: <sender@example.test>', `Subject: queued ${i}`, `Message-ID: ${id}`], `message ${i}`)).reply).toMatch(/^250 /)
    const deferred = await until('5 deferred messages', async () => {
      const lines = (await run('mx1', ['postqueue', '-j'])).trim().split('\n').filter(Boolean)
      const c = countQueue(lines.join('\n'))
      return c.deferred === 5 ? lines : undefined
    }, 60_000, 500)
    for (const l of deferred) expect(l).toMatch(/451 4\.4\.1 store imap1 \(10\.231\.210\.51\) unreachable/)
    expect(await probeQueue({ exec }, 'mx1')).toMatchObject({ ok: false, values: { deferred: 5 } })

    await gw.startContainer(imap1)
    await waitHealthy(gw, imap1, 'imap1', new AbortController().signal, 60_000, boot)
    await run('mx1', ['postqueue', '-f'])
    await until('the queue to drain', async () => countQueue(await run('mx1', ['postqueue', '-j'])).total === 0, 60_000, 500)
    for (const id of ids) {
      const onMaster = await find('imap1', 'alice', id)
      expect(onMaster).toHaveLength(1)
      const onReplica = await until(`${id} on imap2`, async () => {
        const f = await find('imap2', 'alice', id)
        return f.length ? f : undefined
      }, 20_000)
      expect(onReplica).toHaveLength(1)
      expect(onReplica[0]!.guid).toBe(onMaster[0]!.guid)
    }
  })
})
