import { describe, expect, it } from 'vitest'
import { digScript, judgeDns, probeDns } from './dns'

const want = { domain: 'fastmail.test', mx: ['mx1.fastmail.test.', 'mx2.fastmail.test.'], www: ['10.231.1.100', '10.231.1.101'] }
const answer = (soa: string, mx: string, www: string): string => ['--racklab-dns--', soa, '--racklab-dns--', mx, '--racklab-dns--', www, ''].join('\n')
const SOA = 'ns1.fastmail.test. hostmaster.fastmail.test. 2026120301 3600 600 86400 60'

describe('dns.answers', () => {
  it('passes when the SOA, every MX and every www address are there, in any order (BIND rotates them)', () => {
    const r = judgeDns('ns2', '10.231.0.72', answer(SOA, '10 mx2.fastmail.test.\n10 mx1.fastmail.test.', '10.231.1.101\n10.231.1.100'), want)
    expect(r).toMatchObject({ id: 'dns.answers', target: 'ns2', ok: true, values: { serial: 2026120301 } })
    expect(r.message).toBe('ns2 (10.231.0.72) answers for fastmail.test: serial 2026120301, MX 2, www → 2 service IPs')
  })

  it('fails with what the server said: no answer at all, a missing exchanger, a wrong address', () => {
    const timedOut = judgeDns('ns1', '10.231.0.71', answer(';; communications error to 10.231.0.71#53: timed out', '', ''), want)
    expect(timedOut).toMatchObject({ ok: false, message: 'ns1 (10.231.0.71): no SOA for fastmail.test: ;; communications error to 10.231.0.71#53: timed out' })
    expect(judgeDns('ns1', '10.231.0.71', answer(SOA, '10 mx1.fastmail.test.', '10.231.1.100\n10.231.1.101'), want).message).toBe('ns1 (10.231.0.71): MX for fastmail.test is mx1.fastmail.test., the zone has mx1.fastmail.test., mx2.fastmail.test.')
    expect(judgeDns('ns1', '10.231.0.71', answer(SOA, '10 mx1.fastmail.test.\n10 mx2.fastmail.test.', '10.9.9.9'), want).message).toBe('ns1 (10.231.0.71): www.fastmail.test is 10.9.9.9, the zone has 10.231.1.100, 10.231.1.101')
  })

  it('asks the given address from the given server, and says so when it could not ask', async () => {
    const asked: [string, string][] = []
    const ok = await probeDns((server, cmd) => (asked.push([server, cmd.join(' ')]), Promise.resolve({ exitCode: 0, stdout: answer(SOA, '10 mx1.fastmail.test.\n10 mx2.fastmail.test.', '10.231.1.100\n10.231.1.101'), stderr: '' })), 'ns1', '10.231.2.71', 'edge', want)
    expect(ok.ok).toBe(true)
    expect(asked).toEqual([['edge', digScript('10.231.2.71', 'fastmail.test').join(' ')]])
    expect(asked[0]![1]).toContain('dig +time=2 +tries=1 +norec +short @10.231.2.71 www.fastmail.test A')
    const gone = await probeDns(() => Promise.reject(new Error('container racklab-t-edge is not running')), 'ns1', '10.231.2.71', 'edge', want)
    expect(gone).toMatchObject({ ok: false, message: 'ns1 (10.231.2.71): could not ask it from edge: Error: container racklab-t-edge is not running' })
  })
})
