// The webmail's bad-input cases that web-tier.test.ts does not cover (issue 6): an expired session, oversize
// posts, script in the subject, SQL metacharacters in the compose and address-book fields. The whole lab
// through `racklab up`, then from the host through the edge (lab id: RACKLAB_TEST_LAB, e.g. it-web).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerGateway } from '../../main/engine/docker/gateway'
import { containerName } from '../../main/engine/lab/naming'
import { racklab, TEST_LAB, until } from './helpers'
import { login, webClient, type WebSession } from './web-client'

const gw = createDockerGateway()
const exec = (s: string, cmd: string[]): ReturnType<typeof gw.exec> => gw.exec(containerName(TEST_LAB, s), cmd, { timeoutMs: 60_000 })
const sql = async (q: string): Promise<string> => {
  const r = await exec('db1', ['mariadb', '-N', '-B', 'racklab', '-e', q])
  if (r.exitCode !== 0) throw new Error(r.stderr)
  return r.stdout.trim()
}
const contactsOf = (login: string): Promise<string> =>
  sql(`SELECT COUNT(*) FROM address_book a JOIN users u ON u.id = a.user_id WHERE u.login = '${login}'`)
let web: ReturnType<typeof webClient>

/** bob's inbox page once it lists a subject (as the page shows it, escaped) */
async function inboxWith(b: WebSession, shown: string): Promise<string> {
  return until(`"${shown}" in bob's inbox`, async () => {
    const r = await web.get(`/mail/inbox?s=${b.salt}&f=INBOX`, b.cookie)
    return r.body.includes(shown) ? r.body : undefined
  }, 60_000, 1000)
}
const uidOf = (page: string, shown: string): string => {
  const i = page.indexOf(`">${shown}</a>`)
  return /u=(\d+)$/.exec(page.slice(0, i))![1]!
}

describe('webmail bad input on the real engine', () => {
  beforeAll(async () => {
    const up = await racklab(['up', '--json'])
    if (up.code !== 0) throw new Error(`racklab up failed (${up.code}): ${up.stderr.slice(-1500)} ${up.stdout.slice(-1500)}`)
    const eps = JSON.parse((await racklab(['endpoints', '--json'])).stdout) as { service: string; port: number; server: string }[]
    const https = eps.find((e) => e.server === 'edge' && e.service === 'https')!.port
    web = webClient({ port: https, ca: (await exec('fe1', ['racklab-ca', 'cert'])).stdout })
  }, 900_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  })

  it('an expired session is refused with "session expired, log in again", for a page and a change; a new login works', async () => {
    const s = await login(web, 'alice', 'alice-2007')
    const s2 = await login(web, 'alice', 'alice-2007')
    const expire = await racklab(['exec', 'db1', '--', 'mariadb', 'racklab', '-e',
      `UPDATE web_sessions SET expires = NOW() - INTERVAL 1 MINUTE WHERE salt IN ('${s.salt}', '${s2.salt}')`])
    expect(expire.code, expire.stderr).toBe(0)

    const r = await web.get(`/mail/inbox?s=${s.salt}&f=INBOX`, s.cookie)
    expect(r.status).toBe(403)
    expect(r.body).toContain('<h2>Session expired</h2>')
    expect(r.body).toContain('Your session has expired. Please log in again.')
    expect(r.body).toContain('<a href="/login">Log in</a>')
    expect(r.setCookies.join('\n')).toMatch(/^fm_session=; Max-Age=0/m)
    // the row is gone: the same salt and cookie are simply not valid now
    expect((await web.get(`/mail/inbox?s=${s.salt}&f=INBOX`, s.cookie)).body).toContain('Session not valid')

    const before = await contactsOf('alice')
    const add = await web.post('/mail/contacts/add', { s: s2.salt, csrf: s2.csrf, name: 'Late', email: 'late@fastmail.test' }, s2.cookie)
    expect(add.status).toBe(403)
    expect(add.body).toContain('Your session has expired. Please log in again.')
    expect(await contactsOf('alice')).toBe(before)

    // "expired" is only said to the holder of both halves: a right salt with a wrong cookie is just "not valid"
    const s3 = await login(web, 'alice', 'alice-2007')
    await sql(`UPDATE web_sessions SET expires = NOW() - INTERVAL 1 MINUTE WHERE salt = '${s3.salt}'`)
    const guess = await web.get(`/mail/inbox?s=${s3.salt}&f=INBOX`, `fm_session=${'0'.repeat(48)}`)
    expect(guess.status).toBe(403)
    expect(guess.body).toContain('Session not valid')

    const fresh = await login(web, 'alice', 'alice-2007')
    expect((await web.get(`/mail/inbox?s=${fresh.salt}&f=INBOX`, fresh.cookie)).status).toBe(200)
  })

  it('oversize: an over-long message and a body over 10 MB are refused with 413, nothing is sent or stored, the session keeps working', async () => {
    const a = await login(web, 'alice', 'alice-2007')
    const b = await login(web, 'bob', 'bob-2007')
    const tag = `${Date.now()}`
    const long = await web.post('/mail/send', { s: a.salt, csrf: a.csrf, to: 'bob@fastmail.test', subject: `too long ${tag}`, body: 'a'.repeat(600_000) }, a.cookie)
    expect(long.status).toBe(413)
    expect(long.body).toContain('Not sent: the message is 600000 characters long; the webmail sends at most 500000.')

    const before = await contactsOf('alice')
    const huge = await web.post('/mail/contacts/add', { s: a.salt, csrf: a.csrf, name: 'x'.repeat(11 * 1024 * 1024), email: 'huge@fastmail.test' }, a.cookie)
    expect(huge.status).toBe(413)
    expect(huge.body).toMatch(/too large/i)
    // the webmail's own limit, straight at a web server (the frontends may have a lower one of their own)
    const direct = await exec('web1', ['sh', '-c',
      `head -c ${11 * 1024 * 1024} /dev/zero | tr '\\0' x > /tmp/big && curl -sS -o /tmp/out -w '%{http_code}\\n' -H 'Cookie: ${a.cookie}' `
      + `-H 'Content-Type: application/x-www-form-urlencoded' --data-binary @/tmp/big 'http://127.0.0.1/mail/contacts/add?s=${a.salt}'; cat /tmp/out; rm -f /tmp/big /tmp/out`])
    expect(direct.stdout.split('\n')[0], direct.stderr).toBe('413')
    expect(direct.stdout).toContain('What you sent is larger than the webmail accepts (10 MB at most). Nothing was sent or stored')
    // a body without a length is never read (so no size was checked): 411
    const chunked = await exec('web1', ['curl', '-sS', '-w', '\n%{http_code}', '-H', `Cookie: ${a.cookie}`, '-H', 'Transfer-Encoding: chunked',
      '-H', 'Content-Type: application/x-www-form-urlencoded', '--data-binary', `name=Chunked&email=chunked%40fastmail.test&csrf=${a.csrf}`,
      `http://127.0.0.1/mail/contacts/add?s=${a.salt}`])
    expect(chunked.stdout.split('\n').at(-1), chunked.stderr).toBe('411')
    expect(chunked.stdout).toContain('The form was sent without a length (chunked)')
    expect(await contactsOf('alice')).toBe(before)

    // still logged in: a normal message goes, and the over-long one never arrived before it
    const ok = await web.post('/mail/send', { s: a.salt, csrf: a.csrf, to: 'bob@fastmail.test', subject: `after ${tag}`, body: 'small' }, a.cookie)
    expect(ok.status).toBe(303)
    const inbox = await inboxWith(b, `after ${tag}`)
    expect(inbox).not.toContain(`too long ${tag}`)
  })

  it('script in the subject is shown escaped in the inbox list, the message view and the reply form', async () => {
    const a = await login(web, 'alice', 'alice-2007')
    const b = await login(web, 'bob', 'bob-2007')
    const subject = `<script>alert("s${Date.now()}")</script><img src=x onerror=alert(1)> & 'q'`
    const shown = subject.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
    expect((await web.post('/mail/send', { s: a.salt, csrf: a.csrf, to: 'bob@fastmail.test', subject, body: 'see the subject' }, a.cookie)).status).toBe(303)
    // the same as a MIME encoded-word, which the webmail decodes before showing
    const encoded = `=?UTF-8?B?${Buffer.from(`<script>alert(2)</script> encoded ${Date.now()}`).toString('base64')}?=`
    const swaks = await exec('mx1', ['swaks', '--server', '127.0.0.1', '--to', 'bob@fastmail.test', '--from', 'carol@fastmail.test', '--header', `Subject: ${encoded}`, '--body', 'x'])
    expect(swaks.exitCode, swaks.stdout).toBe(0)

    const page = await inboxWith(b, shown)
    await inboxWith(b, '&lt;script&gt;alert(2)&lt;/script&gt; encoded')
    const list = await web.get(`/mail/inbox?s=${b.salt}&f=INBOX`, b.cookie)
    expect(list.body).not.toMatch(/<script|<img/i)

    const read = await web.get(`/mail/read?s=${b.salt}&f=INBOX&u=${uidOf(page, shown)}`, b.cookie)
    expect(read.status).toBe(200)
    expect(read.body).not.toMatch(/<script|<img/i)
    expect(read.body).toContain(`<title>${shown} - FastMail.FM</title>`)
    expect(read.body).toContain(`<td><b>Subject:</b></td><td>${shown}</td>`)
    const reply = /<a href="([^"]+)">Reply<\/a>/.exec(read.body)![1]!.replace(/&amp;/g, '&')
    expect(reply).toContain(`re=${encodeURIComponent(subject).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`)
    const form = await web.get(reply, b.cookie)
    expect(form.body).toContain(`name="subject" size="60" value="Re: ${shown}"`)
    expect(form.body).not.toMatch(/<script|<img/i)
  })

  it('SQL metacharacters in to, subject and the address book\'s email are refused with a message or stored and sent as text', async () => {
    const users = await sql('SELECT COUNT(*) FROM users')
    const a = await login(web, 'alice', 'alice-2007')
    const b = await login(web, 'bob', 'bob-2007')
    const send = (to: string, subject: string): ReturnType<typeof web.post> =>
      web.post('/mail/send', { s: a.salt, csrf: a.csrf, to, subject, body: 'sql test' }, a.cookie)

    const injected = await send("bob@fastmail.test' OR '1'='1", 'x')
    expect(injected.status).toBe(200)
    expect(injected.body).toContain('Give at least one address like bob@fastmail.test')
    // a legal address with an apostrophe goes to the MX, whose MySQL lookup finds no such user
    const unknown = await send("o'brien@fastmail.test", 'x')
    expect(unknown.status).toBe(200)
    expect(unknown.body).toMatch(/Not sent: the message was not sent \(.*o&#39;brien@fastmail\.test.*(unknown|rejected)/i)

    const subject = `Robert'); DROP TABLE users; -- 100% "sure" \\ ${Date.now()}`
    expect((await send('bob@fastmail.test', subject)).status).toBe(303)
    await inboxWith(b, subject.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'))

    const before = await contactsOf('alice')
    for (const email of ["x@y.test' OR 1=1 --", 'a@b.test; DROP TABLE address_book', 'a@b.test;c@d.test']) {
      const r = await web.post('/mail/contacts/add', { s: a.salt, csrf: a.csrf, name: 'Evil', email }, a.cookie)
      expect(r.body, email).toContain('Give one address like bob@fastmail.test.')
    }
    expect(await contactsOf('alice')).toBe(before)
    const email = "o'brien+50%_off@example.test"
    const add = await web.post('/mail/contacts/add', { s: a.salt, csrf: a.csrf, name: "O'Brien \"--", email }, a.cookie)
    expect(add.status).toBe(200)
    expect(add.body).toContain('Added o&#39;brien+50%_off@example.test.')
    expect(add.body).toContain('<td>O&#39;Brien &quot;--</td>')
    expect(await sql("SELECT COUNT(*) FROM address_book WHERE email LIKE 'o%brien+50%'")).toBe('1')
    expect(await sql("SELECT email FROM address_book WHERE name = 'O\\'Brien \"--'")).toBe(email)
    expect(await sql('SELECT COUNT(*) FROM users')).toBe(users)
  })
})
