// The web tier for real: the whole nyi-2007 lab through `racklab up`, then from the host through the edge's
// published ports (edge → lab DNS → VIP → nginx → Apache/mod_perl → MariaDB + Cyrus), TLS checked
// against the lab CA. Also: the IMAP proxy, the probes, and the frontend actions with their inverses.
import { connect } from 'node:net'
import { dialogue } from './line-client'
import Docker from 'dockerode'
import type { LabCa } from '@contract/status'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerGateway } from '../../main/engine/docker/gateway'
import { containerName } from '../../main/engine/lab/naming'
import { frontendStatuses, probeHttpsEdge, probeLogin, upstreamHealth, vipOwners } from '../../main/engine/probes/web'
import { racklab, TEST_LAB, until } from './helpers'
import { labAddresses } from './lab-driver'
import { login, webClient, withoutFooter } from './web-client'

const gw = createDockerGateway()
const docker = new Docker()
const exec = (s: string, cmd: string[]): ReturnType<typeof gw.exec> => gw.exec(containerName(TEST_LAB, s), cmd, { timeoutMs: 30_000 })
const sql = async (q: string): Promise<string> => {
  const r = await exec('db1', ['mariadb', '-N', '-B', 'racklab', '-e', q])
  if (r.exitCode !== 0) throw new Error(r.stderr)
  return r.stdout.trim()
}
const logsOf = async (s: string): Promise<string> => (await docker.getContainer(containerName(TEST_LAB, s)).logs({ stdout: true, stderr: true, tail: 400 })).toString('utf8')
/** the lab's addresses for the topology's (10.231.x.y: the lab may be relocated), and its two service IPs */
let at: (topologyIp: string) => string
let V100 = ''
let V101 = ''
let VIPS: { ip: string; home: string }[] = []
let ports: Record<string, number> = {}
let web: ReturnType<typeof webClient>
let labCa: LabCa

/** a plain IMAP dialogue: LOGIN, SELECT INBOX → EXISTS, LOGOUT */
function imapSelect(port: number, user: string, password: string): Promise<{ ok: boolean; exists?: number; transcript: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    let buf = ''
    let step = 0
    s.setTimeout(15_000, () => s.destroy(new Error(`IMAP timed out: ${buf}`)))
    s.on('data', (d: Buffer) => {
      buf += d.toString()
      if (step === 0 && /^\* OK/m.test(buf)) {
        step = 1
        s.write(`a LOGIN ${user} ${password}\r\n`)
      } else if (step === 1 && /^a (OK|NO|BAD)/m.test(buf)) {
        if (!/^a OK/m.test(buf)) {
          s.end()
          resolve({ ok: false, transcript: buf })
          return
        }
        step = 2
        s.write('b SELECT INBOX\r\n')
      } else if (step === 2 && /^b (OK|NO|BAD)/m.test(buf)) {
        step = 3
        s.write('c LOGOUT\r\n')
        s.end()
        resolve({ ok: /^b OK/m.test(buf), exists: Number(/^\* (\d+) EXISTS/m.exec(buf)?.[1]), transcript: buf })
      }
    })
    s.on('error', reject)
  })
}

describe('web tier on the real engine', () => {
  beforeAll(async () => {
    // idempotent: adopts this lab if it is up already, builds and starts what is missing
    const up = await racklab(['up', '--json'])
    if (up.code !== 0) throw new Error(`racklab up failed (${up.code}): ${up.stderr.slice(-1500)} ${up.stdout.slice(-1500)}`)
    at = await labAddresses()
    V100 = at('10.231.1.100')
    V101 = at('10.231.1.101')
    VIPS = [{ ip: V100, home: 'fe1' }, { ip: V101, home: 'fe2' }]
    const eps = JSON.parse((await racklab(['endpoints', '--json'])).stdout) as { service: string; port: number; server: string }[]
    ports = Object.fromEntries(eps.filter((e) => e.server === 'edge').map((e) => [e.service, e.port]))
    // the CA as a user gets it (`racklab ca`, the same call as the UI's download link): TLS below is checked against it
    const ca = await racklab(['ca', '--json'])
    if (ca.code !== 0) throw new Error(`racklab ca failed (${ca.code}): ${ca.stdout} ${ca.stderr}`)
    labCa = JSON.parse(ca.stdout) as LabCa
    web = webClient({ port: ports.https!, ca: labCa.pem })
  }, 900_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  })

  it('the edge publishes https, http, smtp, submission, imap and pop3', () => {
    for (const s of ['https', 'http', 'smtp', 'submission', 'imap', 'pop3']) expect(ports[s], s).toBeGreaterThan(0)
  })

  it('racklab ca gives the one CA both frontends use, with its fingerprint', async () => {
    expect(labCa.subject).toContain(`Racklab lab CA (${TEST_LAB})`)
    for (const fe of ['fe1', 'fe2']) {
      expect((await exec(fe, ['racklab-ca', 'cert'])).stdout).toBe(labCa.pem)
      const fp = await exec(fe, ['openssl', 'x509', '-in', '/etc/racklab/tls/ca.crt', '-noout', '-fingerprint', '-sha256'])
      expect(fp.stdout.trim()).toBe(`sha256 Fingerprint=${labCa.sha256}`)
      // the CA key stays with the engine: a frontend holds its own key and the CA's certificate, nothing to sign with
      expect((await exec(fe, ['ls', '/etc/racklab/tls'])).stdout.split('\n').filter(Boolean).sort()).toEqual(['ca.crt', 'server.crt', 'server.key'])
      expect((await exec(fe, ['racklab-ca', 'export'])).exitCode).toBe(2)
    }
    // name constraints: the lab's domain, localhost, loopback and the lab's subnets, nothing else
    expect(labCa.permits).toEqual({ dns: ['fastmail.test', 'localhost'], ip: ['127.0.0.0/8', ...['10.231.0.0', '10.231.1.0', '10.231.2.0'].map((n) => `${at(n)}/24`)] })
    const pemOnly = await racklab(['ca'])
    expect(pemOnly.stdout).toBe(labCa.pem) // `racklab ca > racklab-ca.crt` saves exactly the certificate
  })

  // fails when a frontend drops its VIP: keepalived's track script timed out on a loaded host (fixed in session 4)
  it('answers gzip-compressed over TLS verified by the lab CA, from both frontends in turn', async () => {
    const seen = new Set<string>()
    for (let i = 0; i < 6; i++) {
      const r = await web.get('/login')
      expect(r).toMatchObject({ status: 200, encoding: 'gzip', authorized: true })
      expect(r.body).toContain('<form method="post" action="/login">')
      seen.add(String(r.headers['x-racklab-frontend']))
    }
    expect([...seen].sort()).toEqual(['fe1', 'fe2'])
  })

  // a request hung (40 s) while the VIP it went to was moving between frontends (the same flapping, session 4)
  it('a session needs both the URL salt and the cookie', async () => {
    const s = await login(web, 'alice', 'alice-2007')
    expect((await web.get(`/mail/inbox?s=${s.salt}&f=INBOX`, s.cookie)).status).toBe(200)
    expect((await web.get(`/mail/inbox?s=${s.salt}&f=INBOX`)).status).toBe(403)
    expect((await web.get('/mail/inbox?f=INBOX', s.cookie)).status).toBe(403)
    expect((await web.get(`/mail/inbox?s=${'0'.repeat(16)}&f=INBOX`, s.cookie)).status).toBe(403)
    // a change without the form token is refused and changes nothing
    const before = await sql("SELECT COUNT(*) FROM address_book a JOIN users u ON u.id = a.user_id WHERE u.login = 'alice'")
    const r = await web.post('/mail/contacts/add', { s: s.salt, name: 'No Token', email: 'x@fastmail.test' }, s.cookie)
    expect(r.status).toBe(403)
    expect(await sql("SELECT COUNT(*) FROM address_book a JOIN users u ON u.id = a.user_id WHERE u.login = 'alice'")).toBe(before)
  })

  it('a wrong password and an unknown user get the same answer', async () => {
    const wrong = await web.post('/login', { username: 'alice', password: 'nope' })
    const unknown = await web.post('/login', { username: 'mallory', password: 'nope' })
    expect(wrong.status).toBe(200)
    expect(unknown.status).toBe(wrong.status)
    expect(wrong.setCookies).toEqual([])
    expect(withoutFooter(unknown.body).replace('value="mallory"', 'value="alice"')).toBe(withoutFooter(wrong.body))
  })

  it('SQL injection attempts change nothing and are stored as text', async () => {
    const users = await sql('SELECT COUNT(*) FROM users')
    for (const [u, p] of [["alice' OR '1'='1", 'x'], ['alice', "' OR '1'='1"], ["alice'-- ", 'x']]) {
      const r = await web.post('/login', { username: u!, password: p! })
      expect(r.status, `${u} / ${p}`).toBe(200)
      expect(r.body).toContain('Login failed')
    }
    const s = await login(web, 'alice', 'alice-2007')
    const evil = "Bobby'); DELETE FROM users; --"
    const add = await web.post('/mail/contacts/add', { s: s.salt, csrf: s.csrf, name: evil, email: 'bobby@fastmail.test' }, s.cookie)
    expect(add.status).toBe(200)
    expect(add.body).toContain('Bobby&#39;); DELETE FROM users; --')
    expect((await web.get(`/mail/search?s=${s.salt}&f=INBOX&q=${encodeURIComponent("'; DROP TABLE users; --")}`, s.cookie)).status).toBe(200)
    expect((await web.get(`/mail/inbox?s=${s.salt}&f=INBOX&p=${encodeURIComponent('1 OR 1=1')}`, s.cookie)).status).toBe(200)
    expect(await sql('SELECT COUNT(*) FROM users')).toBe(users)
    expect(await sql("SELECT name FROM address_book WHERE email = 'bobby@fastmail.test'")).toBe(evil)
  })

  it('script in a message is shown as text (plain mail) or removed (HTML mail), never run', async () => {
    const a = await login(web, 'alice', 'alice-2007')
    const sent = await web.post('/mail/send', { s: a.salt, csrf: a.csrf, to: 'bob@fastmail.test', subject: 'xss <b>test</b>', body: 'hi <script>window.__pwned=1</script> bob' }, a.cookie)
    expect(sent.status).toBe(303)
    const html = await exec('mx1', ['swaks', '--server', '127.0.0.1', '--to', 'bob@fastmail.test', '--from', 'carol@fastmail.test', '--header', 'Subject: html xss', '--add-header', 'Content-Type: text/html; charset=utf-8', '--body', '<p onclick="x()">Hello <b>Bob</b><img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">link</a></p>'])
    expect(html.exitCode, html.stdout).toBe(0)
    const b = await login(web, 'bob', 'bob-2007')
    const page = await until('both messages in bob\'s inbox', async () => {
      const r = await web.get(`/mail/inbox?s=${b.salt}&f=INBOX`, b.cookie)
      return r.body.includes('xss &lt;b&gt;test&lt;/b&gt;') && r.body.includes('html xss') ? r.body : undefined
    }, 60_000, 1000)
    const uid = (subject: string): string => new RegExp(`u=(\\d+)">${subject}`).exec(page)![1]!
    const plain = await web.get(`/mail/read?s=${b.salt}&f=INBOX&u=${uid('xss &lt;b&gt;test&lt;/b&gt;')}`, b.cookie)
    expect(plain.body).toContain('hi &lt;script&gt;window.__pwned=1&lt;/script&gt; bob')
    const rich = await web.get(`/mail/read?s=${b.salt}&f=INBOX&u=${uid('html xss')}`, b.cookie)
    const body = /<div class="msg">(.*?)<\/div>\n/s.exec(rich.body)![1]!
    expect(body).toContain('<b>Bob</b>')
    expect(body).not.toMatch(/<script|onerror|onclick|javascript:|<img/i)
    expect(String(rich.headers['content-security-policy'])).toContain("default-src 'none'")
  })

  it('from the host: SMTP in through the edge, then POP3 RETR and IMAP FETCH of the same message', async () => {
    const subject = `host round trip ${Date.now()}`
    await dialogue(ports.smtp!, [
      { expect: /^220 /m },
      { send: 'EHLO host.example\r\n', expect: /^250 /m },
      { send: 'MAIL FROM:<carol@fastmail.test>\r\n', expect: /^250 /m },
      { send: 'RCPT TO:<bob@fastmail.test>\r\n', expect: /^250 /m },
      { send: 'DATA\r\n', expect: /^354 /m },
      { send: `Subject: ${subject}\r\nFrom: carol@fastmail.test\r\nTo: bob@fastmail.test\r\n\r\nsent from the host\r\n.\r\n`, expect: /^250 /m },
      { send: 'QUIT\r\n', expect: /^221 /m },
    ])
    const pop = await until('the message in bob\'s POP3 mailbox', async () => {
      const t = await dialogue(ports.pop3!, [
        { expect: /^\+OK/m },
        { send: 'USER bob\r\n', expect: /^\+OK/m },
        { send: 'PASS bob-2007\r\n', expect: /^[+-](OK|ERR)/m },
        { send: 'STAT\r\n', expect: /^\+OK \d+/m },
        { send: 'QUIT\r\n', expect: /^\+OK/m },
      ])
      const n = Number(/^\+OK (\d+) \d+\s*$/m.exec(t)?.[1] ?? 0)
      if (!n) return undefined
      const last = await dialogue(ports.pop3!, [
        { expect: /^\+OK/m },
        { send: 'USER bob\r\n', expect: /^\+OK/m },
        { send: 'PASS bob-2007\r\n', expect: /^\+OK/m },
        { send: `RETR ${n}\r\n`, expect: /^\.\r?$/m },
        { send: 'QUIT\r\n', expect: /^\+OK/m },
      ])
      return last.includes(subject) ? last : undefined
    }, 60_000, 1000)
    expect(pop).toContain('sent from the host')
    const imap = await dialogue(ports.imap!, [
      { expect: /^\* OK/m },
      { send: 'a LOGIN bob bob-2007\r\n', expect: /^a OK/m },
      { send: 'b SELECT INBOX\r\n', expect: /^b OK/m },
      { send: `c SEARCH SUBJECT "${subject}"\r\n`, expect: /^c OK/m },
      { send: 'd LOGOUT\r\n', expect: /^d OK/m },
    ])
    const uid = /^\* SEARCH (\d+)/m.exec(imap)?.[1]
    expect(uid).toBeDefined()
    const fetched = await dialogue(ports.imap!, [
      { expect: /^\* OK/m },
      { send: 'a LOGIN bob bob-2007\r\n', expect: /^a OK/m },
      { send: 'b SELECT INBOX\r\n', expect: /^b OK/m },
      { send: `c FETCH ${uid} BODY[]\r\n`, expect: /^c OK/m },
      { send: 'd LOGOUT\r\n', expect: /^d OK/m },
    ])
    expect(fetched).toContain(subject)
  })

  it('IMAP through the edge and a frontend reaches the user\'s master (imap1)', async () => {
    const s = await login(web, 'alice', 'alice-2007')
    // the monitor's mail.e2e probe delivers to alice's INBOX every few seconds (and leaves its message there), so the
    // two counts are read again until no probe message landed between them; a webmail reading another mailbox
    // would never agree
    await until('IMAP through the edge and the webmail to count the same INBOX', async () => {
      const r = await imapSelect(ports.imap!, 'alice', 'alice-2007')
      expect(r.ok, r.transcript).toBe(true)
      const inbox = await web.get(`/mail/inbox?s=${s.salt}&f=INBOX`, s.cookie)
      return r.exists === Number(/\((\d+) messages?/.exec(inbox.body)![1]) || undefined
    }, 30_000, 500)
    const logs = (await logsOf('web1')) + (await logsOf('web2'))
    expect(logs).toMatch(/mailauth: imap alice from 10\.231\.1\.200 -> imap1 10\.231\.0\.51:143/)
    expect((await imapSelect(ports.imap!, 'alice', 'wrong')).ok).toBe(false)
  })

  it('probes: HTTPS and login through the edge, VIPs on their home frontends, web pool healthy', async () => {
    const ex = (s: string, cmd: string[]): ReturnType<typeof gw.exec> => exec(s, cmd)
    expect(await probeHttpsEdge(ex, 'edge')).toMatchObject({ ok: true, values: { gzip: true, status: 200 } })
    expect(await probeLogin(ex, 'edge', { name: 'alice', password: 'alice-2007' })).toMatchObject({ ok: true })
    const st = await frontendStatuses(ex, ['fe1', 'fe2'])
    expect(vipOwners(VIPS, st)).toMatchObject({ ok: true, values: { [V100]: 'fe1', [V101]: 'fe2' } })
    for (const fe of ['fe1', 'fe2']) expect(upstreamHealth(fe, st.get(fe)!)).toMatchObject({ ok: true })
  })

  // .100 must be on fe1 when the expired certificate is checked: with flapping VIPs the edge reached fe2 (session 4)
  it('actions: move a VIP and back, stop and start nginx, expire and renew the certificate', async () => {
    const owners = async (): Promise<Record<string, string | number | boolean> | undefined> => vipOwners(VIPS, await frontendStatuses(exec, ['fe1', 'fe2'])).values
    const act = async (a: string): Promise<string> => {
      const r = await racklab(['act', 'server:fe1', a, '--json'])
      expect(r.code, r.stderr).toBe(0)
      return (JSON.parse(r.stdout) as { text: string }).text
    }
    const list = JSON.parse((await racklab(['actions', 'server:fe1', '--json'])).stdout) as { id: string; enabled: boolean }[]
    expect(list.filter((a) => a.enabled).map((a) => a.id)).toEqual(expect.arrayContaining(['stop-nginx', 'move-vip-100', 'expire-cert', 'renew-cert']))
    expect(list.find((a) => a.id === 'start-nginx')?.enabled).toBe(false)

    expect(await act('move-vip-100')).toContain(`${V100} released by fe1, now on fe2 (undo: return-vip-100)`)
    expect(await owners()).toEqual({ [V100]: 'fe2', [V101]: 'fe2' })
    for (let i = 0; i < 4; i++) expect((await web.get('/login')).headers['x-racklab-frontend']).toBe('fe2')
    expect(await act('return-vip-100')).toContain(`${V100} back on fe1`)

    expect(await act('stop-nginx')).toContain(`nginx stopped on fe1; ${V100} → fe2 (undo: start-nginx)`)
    expect((await web.get('/login')).status).toBe(200)
    expect(await act('start-nginx')).toContain(`${V100} → fe1`)
    expect(await owners()).toEqual({ [V100]: 'fe1', [V101]: 'fe2' })

    const viaFe1 = ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--resolve', `www.fastmail.test:443:${V100}`, 'https://www.fastmail.test/login']
    expect(await act('expire-cert')).toContain('(undo: renew-cert)')
    const expired = await exec('edge', viaFe1)
    expect(expired.exitCode).not.toBe(0)
    expect(expired.stderr).toMatch(/expired/i)
    await act('renew-cert')
    expect((await exec('edge', viaFe1)).stdout).toBe('200')
  })

  // A frontend's external cable out and back in: the site's own failover, then its undo. After each, the whole site
  // answers: each reachable frontend at its own address, a login on every backend (from the edge's probe and from the
  // host through the edge), not only "a" login through whichever frontend round robin picks.
  it('fe1 external cable out: .100 moves to fe2 and the site works; back in: .100 home on fe1, every frontend and backend works', async () => {
    const ex = (s: string, cmd: string[]): ReturnType<typeof gw.exec> => exec(s, cmd)
    const owners = async (): Promise<Record<string, string | number | boolean> | undefined> => vipOwners(VIPS, await frontendStatuses(exec, ['fe1', 'fe2'])).values
    const cable = async (a: 'unplug' | 'plug'): Promise<void> => {
      const r = await racklab(['act', 'cable:fe1/ext', a, '--json'])
      expect(r.code, `${a}: ${r.stdout}${r.stderr}`).toBe(0)
    }
    const siteWorks = async (frontends: { id: string; ip: string }[]): Promise<void> => {
      for (const fe of frontends) expect(await probeHttpsEdge(ex, 'edge', fe), fe.id).toMatchObject({ ok: true })
      for (const backend of ['web1', 'web2']) {
        expect(await probeLogin(ex, 'edge', { name: 'alice', password: 'alice-2007' }, backend), backend).toMatchObject({ ok: true })
        const session = await login(webClient({ port: ports.https!, ca: labCa.pem, backend }), 'bob', 'bob-2007')
        expect(session.csrf, backend).toMatch(/^[0-9a-f]+$/)
      }
    }
    await cable('unplug')
    await until('.100 to move to fe2', async () => (await owners())?.[V100] === 'fe2' || undefined, 60_000, 1000)
    await siteWorks([{ id: 'fe2', ip: at('10.231.1.22') }])
    await cable('plug')
    await until('.100 back on fe1 and .101 on fe2', async () => {
      const o = await owners()
      return (o?.[V100] === 'fe1' && o[V101] === 'fe2') || undefined
    }, 120_000, 1000)
    await siteWorks([{ id: 'fe1', ip: at('10.231.1.21') }, { id: 'fe2', ip: at('10.231.1.22') }])
  })
})
