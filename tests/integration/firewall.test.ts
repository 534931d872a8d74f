// Issue 13 item 9: every server runs a default-drop nftables input policy with only the ports its role serves,
// loaded by the engine into the server's own namespace each time it starts, and "someone fat-fingered the
// firewall" is an action with its inverse: block 3306 on db1 and db2's replication loses its primary.
// A name server's port 53 is blocked for UDP too, and dns.answers sees it from the other name server.
// Brings up db1, db2, ns1, ns2 only (`racklab up --only db2,ns1,ns2`); containers run with CapDrop ALL + the role's
// capabilities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { racklab, until } from './helpers'
import { check, exec, labAddresses, run } from './lab-driver'

/** db1's address in this lab (10.231.0.11 in the topology) */
let DB1 = ''
/** does a TCP connect from `from` to ip:port succeed within 3 s */
const reaches = async (from: string, ip: string, port: number): Promise<boolean> =>
  (await exec(from, ['socat', '-u', '/dev/null', `TCP:${ip}:${port},connect-timeout=3`], { timeoutMs: 20_000 })).exitCode === 0
const act = async (...args: string[]): Promise<{ text: string }> => {
  const r = await racklab(['act', ...args, '--json'])
  if (r.code !== 0) throw new Error(`act ${args.join(' ')} failed: ${r.stdout}${r.stderr}`)
  return JSON.parse(r.stdout) as { text: string }
}
const replication = async (): Promise<{ ok: boolean; message: string } | undefined> => (await check()).find((p) => p.id === 'db.replication' && p.target === 'db2')

describe('server firewalls (nftables) and the firewall-block action', () => {
  beforeAll(async () => {
    const up = await racklab(['up', '--only', 'db2,ns1,ns2', '--json'])
    if (up.code !== 0) throw new Error(`racklab up failed (${up.code}): ${up.stderr.slice(-1500)} ${up.stdout.slice(0, 800)}`)
    DB1 = (await labAddresses())('10.231.0.11')
  }, 900_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)

  it('db1 drops what it does not serve: MariaDB is reachable from db2, a listener on 4444 only from db1 itself', async () => {
    const table = await run('db1', ['nft', 'list', 'table', 'inet', 'racklab'])
    expect(table).toMatch(/policy drop;/)
    expect(table).toMatch(/tcp dport 3306 accept/)
    await run('db1', ['sh', '-c', 'nohup socat TCP-LISTEN:4444,fork,reuseaddr SYSTEM:true >/dev/null 2>&1 &'])
    expect(await until('the listener on db1', async () => (await reaches('db1', DB1, 4444)) || undefined, 20_000, 500)).toBe(true)
    expect(await reaches('db2', DB1, 4444)).toBe(false)
    expect(await reaches('db2', DB1, 3306)).toBe(true)
  })

  it('firewall-block port=3306 on db1: db2 cannot reach it and replication fails; undo opens it again', async () => {
    const blocked = await act('server:db1', 'firewall-block', 'port=3306')
    expect(blocked.text).toMatch(/3306\/tcp blocked/)
    expect(await reaches('db2', DB1, 3306)).toBe(false)
    const broken = await until('db.replication on db2 to fail', async () => {
      const r = await replication()
      return r && !r.ok ? r : undefined
    }, 120_000, 2000)
    console.log(`while blocked: ${broken.message}`)
    const undo = await racklab(['undo', '--json'])
    expect(undo.code, undo.stdout + undo.stderr).toBe(0)
    expect(undo.stdout).toMatch(/3306\/tcp open again/)
    expect(await reaches('db2', DB1, 3306)).toBe(true)
    await until('db.replication on db2 to pass again', async () => ((await replication())?.ok ? true : undefined), 180_000, 2000)
  })

  it('firewall-block port=53 on ns2 blocks DNS over UDP too: dns.answers fails for ns2 alone (asked from ns1); undo, both answer', async () => {
    const dns = async (): Promise<{ target: string; ok: boolean; message: string }[]> => (await check()).filter((p) => p.id === 'dns.answers').sort((a, b) => a.target.localeCompare(b.target))
    expect((await dns()).map((r) => [r.target, r.ok])).toEqual([['ns1', true], ['ns2', true]])
    const blocked = await act('server:ns2', 'firewall-block', 'port=53')
    expect(blocked.text).toMatch(/53\/tcp\+udp blocked/)
    const during = await until('dns.answers on ns2 to fail', async () => {
      const r = await dns()
      return r.find((x) => x.target === 'ns2' && !x.ok) ? r : undefined
    }, 60_000, 2000)
    console.log(during.map((r) => `${r.target}: ${r.message}`).join('\n'))
    expect(during.map((r) => [r.target, r.ok])).toEqual([['ns1', true], ['ns2', false]])
    expect(during[1]!.message).toMatch(/^ns2 \(\S+\): no SOA for fastmail\.test: .*timed out/)
    const undo = await racklab(['undo', '--json'])
    expect(undo.stdout).toMatch(/53\/tcp\+udp open again/)
    await until('dns.answers on both to pass', async () => ((await dns()).every((r) => r.ok) ? true : undefined), 60_000, 2000)
  })

  it('a restarted server loads its firewall again, without the runtime block', async () => {
    await act('server:db1', 'firewall-block', 'port=3306')
    await act('server:db1', 'restart')
    const table = await until('db1 firewall after the restart', async () => {
      const r = await exec('db1', ['nft', 'list', 'table', 'inet', 'racklab'])
      return r.exitCode === 0 ? r.stdout : undefined
    }, 60_000, 1000)
    expect(table).toMatch(/policy drop;/)
    expect(table).not.toMatch(/elements = \{ 3306 \}/)
  })
})
