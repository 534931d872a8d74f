// HTTPS for serve off loopback: the certificate is for the serve address only, self-signed (never the lab CA),
// its key 0600, kept across restarts while valid; the server speaks TLS with it, WebSockets included.
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createDispatcher, type Handlers } from '../api/dispatcher'
import { EventBus } from '../engine/events/event-bus'
import { checkServeHost, loadOrMakeServeTls, SERVE_CERT_DAYS } from './serve-tls'
import { startWebServer } from './web-server'

const DAY = 86_400_000
const home = (): string => mkdtempSync(join(tmpdir(), 'racklab-serve-tls-'))

describe('the serve certificate', () => {
  it('is made for the address given, self-signed, not a CA, and its key is 0600 in a 0700 directory', async () => {
    const h = home()
    const tls = await loadOrMakeServeTls(h, '192.168.7.20')
    const c = new X509Certificate(tls.certPem)
    expect(tls.made).toBe(true)
    expect(c.ca).toBe(false)
    expect(c.checkIP('192.168.7.20')).toBe('192.168.7.20')
    expect(c.checkIP('192.168.7.21')).toBeUndefined()
    expect(c.issuer).toBe(c.subject) // self-signed: no lab CA, no other issuer
    expect(c.verify(c.publicKey)).toBe(true)
    expect(c.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']) // serverAuth only
    expect(new Date(c.validTo).getTime() - Date.now()).toBeGreaterThan((SERVE_CERT_DAYS - 1) * DAY)
    expect(tls.fingerprint).toBe(c.fingerprint256)
    const dir = join(h, '.serve-tls', '192.168.7.20')
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
  })

  it('is kept for the same address (same fingerprint after a restart), made anew for another or when it expires soon', async () => {
    const h = home()
    const first = await loadOrMakeServeTls(h, 'trainer.lan')
    const again = await loadOrMakeServeTls(h, 'trainer.lan')
    expect(again).toMatchObject({ made: false, fingerprint: first.fingerprint })
    expect(new X509Certificate(first.certPem).checkHost('trainer.lan')).toBe('trainer.lan')
    const other = await loadOrMakeServeTls(h, '10.0.0.9')
    expect(other.made).toBe(true)
    const later = await loadOrMakeServeTls(h, 'trainer.lan', new Date(Date.now() + (SERVE_CERT_DAYS - 3) * DAY))
    expect(later.made).toBe(true)
    expect(later.fingerprint).not.toBe(first.fingerprint)
  })

  it('a key that does not belong to the certificate (a kill between the two writes) is replaced, not served', async () => {
    const h = home()
    await loadOrMakeServeTls(h, '10.1.2.3')
    const dir = join(h, '.serve-tls', '10.1.2.3')
    const stranger = await loadOrMakeServeTls(home(), '10.1.2.3')
    writeFileSync(join(dir, 'key.pem'), stranger.keyPem)
    const t = await loadOrMakeServeTls(h, '10.1.2.3')
    expect(t.made).toBe(true)
    expect(new X509Certificate(t.certPem).checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'key.pem'), 'utf8')))).toBe(true)
    expect(existsSync(join(dir, 'key.pem.tmp'))).toBe(false)
  })

  it('refuses a wildcard or a malformed host, naming it', () => {
    expect(() => checkServeHost('0.0.0.0')).toThrow(/--host 0\.0\.0\.0: give the address students will open/)
    expect(() => checkServeHost('::')).toThrow(/not a wildcard/)
    expect(() => checkServeHost('bad host!')).toThrow(/--host "bad host!": not an IP address or a host name/)
  })
})

describe('serve over HTTPS', () => {
  it('answers over TLS with that certificate (page and WebSocket), and plain HTTP on its port gets nothing', async () => {
    const tls = await loadOrMakeServeTls(home(), '127.0.0.1')
    const dir = mkdtempSync(join(tmpdir(), 'racklab-web-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
    const handlers = new Proxy({} as Handlers, { get: () => async () => ({}) })
    const web = await startWebServer({ dispatch: createDispatcher(handlers), bus: new EventBus(), staticDir: dir, version: 'test', token: 'tok', tls })
    try {
      expect(web.url).toBe(`https://127.0.0.1:${web.port}/?token=tok`)
      const status = await new Promise<number | undefined>((resolve, reject) => {
        request({ host: '127.0.0.1', port: web.port, path: '/', ca: tls.certPem }, (res) => { res.resume(); resolve(res.statusCode) }).on('error', reject).end()
      })
      expect(status).toBe(200)
      // a client that does not trust the certificate is refused by TLS, as a browser warns
      await expect(new Promise((resolve, reject) => request({ host: '127.0.0.1', port: web.port, path: '/' }, resolve).on('error', reject).end())).rejects.toThrow(/self[- ]signed/i)
      const ws = new WebSocket(`wss://127.0.0.1:${web.port}/ws?token=tok`, { ca: tls.certPem, origin: `https://127.0.0.1:${web.port}` })
      await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
      ws.close()
      // the same origin over http:// is another origin: refused
      const foreign = new WebSocket(`wss://127.0.0.1:${web.port}/ws?token=tok`, { ca: tls.certPem, origin: `http://127.0.0.1:${web.port}` })
      await expect(new Promise((resolve, reject) => { foreign.once('open', resolve); foreign.once('error', reject) })).rejects.toThrow(/403/)
      const plain = await new Promise<string>((resolve) => {
        const s = connect(web.port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'))
        let got = ''
        s.on('data', (d) => (got += d.toString('latin1')))
        s.on('close', () => resolve(got))
        s.on('error', () => resolve(got))
      })
      expect(plain).not.toMatch(/^HTTP\/1\.1 200/)
    } finally {
      await web.close()
    }
  })
})
