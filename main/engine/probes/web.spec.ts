import { describe, expect, it } from 'vitest'
import type { Exec } from './db'
import { frontendStatuses, parseFeStatus, parseWebCheck, probeHttpsEdge, probeLogin, upstreamHealth, vipOwners } from './web'

const now = (): Date => new Date('2026-11-28T12:00:00Z')
// captured from a running frontend (racklab-fe-status)
const FE1 = '{"keepalived":true,"nginx":true,"released":[],"server":"fe1","tls":{"ca":{"notBefore":1795893141,"sha256":"EE:4D","subject":"CN=Racklab lab CA (dev)"},"cert":{"expired":false,"notAfter":1867173142,"onPurpose":false,"signedByCa":true}},"upstreams":[{"error":"Could not connect to \'10.239.0.31:80\': Connection timed out","ip":"10.239.0.31","ms":2001,"name":"web1","ok":false,"status":599},{"ip":"10.239.0.32","ms":3,"name":"web2","ok":true,"status":200}],"vips":["10.239.1.100"],"vrrp":{"10.239.1.100":51,"10.239.1.101":52}}'
const fe = (over: Record<string, unknown>): string => JSON.stringify({ ...JSON.parse(FE1), ...over })
const execOf = (answers: Record<string, { stdout: string; exitCode?: number; stderr?: string } | Error>): Exec => async (server, cmd) => {
  const a = answers[`${server} ${cmd[0]}`]
  if (!a) throw new Error(`unexpected exec ${server} ${cmd.join(' ')}`)
  if (a instanceof Error) throw a
  return { stdout: a.stdout, stderr: a.stderr ?? '', exitCode: a.exitCode ?? 0 }
}
const VIPS = [{ ip: '10.239.1.100', home: 'fe1' }, { ip: '10.239.1.101', home: 'fe2' }]

describe('web probes', () => {
  it('parses a frontend status and rejects a malformed one by name', () => {
    const s = parseFeStatus(FE1)
    expect(s.vips).toEqual(['10.239.1.100'])
    expect(s.upstreams.map((u) => u.ok)).toEqual([false, true])
    expect(s.tls?.cert?.signedByCa).toBe(true)
    expect(() => parseFeStatus('{"server":"fe1"}')).toThrow(/racklab-fe-status gave an unexpected document: nginx/)
  })

  it('web.vips: each VIP on exactly one frontend; moved VIPs are named; none or two holders fail', async () => {
    const ok = await frontendStatuses(execOf({ 'fe1 racklab-fe-status': { stdout: FE1 }, 'fe2 racklab-fe-status': { stdout: fe({ server: 'fe2', vips: ['10.239.1.101'] }) } }), ['fe1', 'fe2'])
    expect(vipOwners(VIPS, ok, { now })).toMatchObject({ ok: true, values: { '10.239.1.100': 'fe1', '10.239.1.101': 'fe2' }, at: '2026-11-28T12:00:00.000Z' })

    const moved = await frontendStatuses(execOf({ 'fe1 racklab-fe-status': new Error('container not running'), 'fe2 racklab-fe-status': { stdout: fe({ server: 'fe2', vips: ['10.239.1.100', '10.239.1.101'] }) } }), ['fe1', 'fe2'])
    const r = vipOwners(VIPS, moved)
    expect(r.ok).toBe(false) // fe1 could not answer
    expect(r.message).toContain('fe1: racklab-fe-status exited -1: container not running')
    expect(r.values).toEqual({ '10.239.1.100': 'fe2', '10.239.1.101': 'fe2' })

    const split = await frontendStatuses(execOf({ 'fe1 racklab-fe-status': { stdout: fe({ vips: ['10.239.1.100', '10.239.1.101'] }) }, 'fe2 racklab-fe-status': { stdout: fe({ server: 'fe2', vips: ['10.239.1.101'] }) } }), ['fe1', 'fe2'])
    expect(vipOwners(VIPS, split).message).toBe('10.239.1.101 is held by fe1 and fe2 at once (split brain)')
    const none = await frontendStatuses(execOf({ 'fe1 racklab-fe-status': { stdout: fe({ vips: [] }) } }), ['fe1'])
    expect(vipOwners(VIPS, none).message).toBe('10.239.1.100 is held by no frontend; 10.239.1.101 is held by no frontend')
  })

  it('asks a frontend for its certificate only when told to (racklab-fe-status --tls forks openssl)', async () => {
    const asked: string[][] = []
    const { tls: _, ...noTls } = JSON.parse(FE1) as Record<string, unknown>
    const exec: Exec = async (_server, cmd) => {
      asked.push(cmd)
      return { stdout: cmd.includes('--tls') ? FE1 : JSON.stringify(noTls), stderr: '', exitCode: 0 }
    }
    const plain = (await frontendStatuses(exec, ['fe1'])).get('fe1')
    const withTls = (await frontendStatuses(exec, ['fe1'], { tls: true })).get('fe1')
    expect(asked).toEqual([['racklab-fe-status'], ['racklab-fe-status', '--tls']])
    expect(typeof plain !== 'string' && plain?.tls).toBeUndefined()
    expect(typeof withTls !== 'string' && withTls?.tls?.cert?.signedByCa).toBe(true)
  })

  it('web.upstreams: names the backend that is down and how nginx failed to reach it', () => {
    const r = upstreamHealth('fe1', parseFeStatus(FE1))
    expect(r.ok).toBe(false)
    expect(r.message).toBe("fe1: web1 (10.239.0.31) down: Could not connect to '10.239.0.31:80': Connection timed out; 1 of 2 up")
    expect(r.values).toMatchObject({ nginx: true, web2: 3 })
    const all = upstreamHealth('fe1', parseFeStatus(fe({ upstreams: [{ ip: '10.239.0.31', ms: 2, name: 'web1', ok: true, status: 200 }] })))
    expect(all).toMatchObject({ ok: true, message: 'fe1: all 1 web backends answer' })
    expect(upstreamHealth('fe1', parseFeStatus(fe({ nginx: false }))).message).toBe('fe1: nginx is not running')
    expect(upstreamHealth('fe2', 'racklab-fe-status exited 1: boom')).toMatchObject({ ok: false, message: 'fe2: racklab-fe-status exited 1: boom' })
  })

  it('web.https: needs success and gzip; reports the path and the failure text', async () => {
    const good = '{"backend":"web1","frontend":"fe2","gzip":true,"ms":54,"ok":true,"status":200}\n'
    const r = await probeHttpsEdge(execOf({ 'edge racklab-web-check': { stdout: good } }), 'edge', undefined, { now })
    expect(r).toMatchObject({ id: 'web.https', ok: true, message: 'HTTPS from edge answers 200 gzip via fe2 → web1 in 54 ms', values: { gzip: true, frontend: 'fe2' } })
    const plain = await probeHttpsEdge(execOf({ 'edge racklab-web-check': { stdout: good.replace('"gzip":true', '"gzip":false') } }), 'edge')
    expect(plain).toMatchObject({ ok: false, message: 'HTTPS from edge answers but not gzip-compressed via fe2 → web1' })
    const tls = '{"error":"SSL connection failed for www.fastmail.test: certificate verify failed","ms":12,"ok":false}'
    expect((await probeHttpsEdge(execOf({ 'edge racklab-web-check': { stdout: tls, exitCode: 1 } }), 'edge')).message).toBe('HTTPS from edge failed: SSL connection failed for www.fastmail.test: certificate verify failed')
    expect((await probeHttpsEdge(execOf({ 'edge racklab-web-check': { stdout: '', stderr: 'exec failed: no such container', exitCode: 126 } }), 'edge')).message).toBe('HTTPS from edge failed: racklab-web-check exited 126: exec failed: no such container')
  })

  it('web.https for one frontend: asks that frontend at its own address and reports under its name', async () => {
    const seen: string[][] = []
    const exec: Exec = async (_s, cmd) => (seen.push(cmd), { stdout: '{"backend":"web2","frontend":"fe2","gzip":true,"ms":31,"ok":true,"status":200}', stderr: '', exitCode: 0 })
    const r = await probeHttpsEdge(exec, 'edge', { id: 'fe2', ip: '10.239.1.22' })
    expect(seen[0]).toEqual(['racklab-web-check', 'https', 'fe2=10.239.1.22'])
    expect(r).toMatchObject({ target: 'fe2', ok: true, message: 'HTTPS to fe2 (10.239.1.22) from edge answers 200 gzip via fe2 → web2 in 31 ms' })
    const other = '{"error":"asked frontend fe2 (10.239.1.22), answered by fe1","frontend":"fe1","ms":9,"ok":false}'
    const wrong = await probeHttpsEdge(async () => ({ stdout: other, stderr: '', exitCode: 1 }), 'edge', { id: 'fe2', ip: '10.239.1.22' })
    expect(wrong).toMatchObject({ target: 'fe2', ok: false, message: 'HTTPS to fe2 (10.239.1.22) from edge failed: asked frontend fe2 (10.239.1.22), answered by fe1' })
  })

  it('web.login: passes the user and the pinned backend, reports the inbox size or the refusal per backend', async () => {
    const seen: string[][] = []
    const exec: Exec = async (_s, cmd) => (seen.push(cmd), { stdout: '{"backend":"web2","frontend":"fe1","inbox":3,"ms":190,"ok":true}', stderr: '', exitCode: 0 })
    const r = await probeLogin(exec, 'edge', { name: 'alice', password: 'alice-2007' }, 'web2')
    expect(seen[0]).toEqual(['racklab-web-check', 'login', 'alice', 'alice-2007', 'web2'])
    expect(r).toMatchObject({ target: 'web2', ok: true, message: 'alice logged in on web2 and saw the inbox (3 messages) via fe1 → web2 in 190 ms', values: { inbox: 3 } })
    const ro = '{"backend":"web2","error":"login refused (HTTP 503: This web server (web2) cannot reach the main database)","frontend":"fe1","ms":40,"ok":false}'
    const refused = await probeLogin(async () => ({ stdout: ro, stderr: '', exitCode: 1 }), 'edge', { name: 'alice', password: 'x' }, 'web2')
    expect(refused).toMatchObject({ target: 'web2', ok: false, message: 'webmail login as alice on web2 failed: login refused (HTTP 503: This web server (web2) cannot reach the main database) via fe1 → web2' })
    const any = await probeLogin(exec, 'edge', { name: 'alice', password: 'alice-2007' })
    expect(seen[1]).toEqual(['racklab-web-check', 'login', 'alice', 'alice-2007'])
    expect(any.target).toBe('edge')
    const bad = parseWebCheck('{"backend":"web1","error":"login refused (HTTP 200, no redirect to the inbox)","frontend":"fe2","ms":95,"ok":false}', '', 1)
    expect(bad).toMatchObject({ ok: false, error: 'login refused (HTTP 200, no redirect to the inbox)' })
  })
})
