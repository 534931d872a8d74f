import { describe, expect, it } from 'vitest'
import type { LedgerRecord } from '../actions/action-ledger'
import type { ContainerInfo, ExecResult } from '../docker/types'
import type { PlacedServer } from '../topology/queries'
import { parseDetect } from './mechanisms'
import { NetFaults } from './net-faults'
import { addLatency, addPartition, removeLatency } from './scripts'

const placed = (id: string, rackId: string, nics: [string, string][]): [string, PlacedServer] => [id, { siteId: 'nyi', rackId, server: { id, role: 'db', nics: nics.map(([network, ip]) => ({ network, ip })) } as PlacedServer['server'] }]
const SERVERS = new Map([placed('db1', 'nyi-1', [['int', '10.0.0.11'], ['wan', '10.0.2.11']]), placed('db2', 'nyi-2', [['int', '10.0.0.12']]), placed('db3', 'offsite-1', [['wan', '10.0.2.13']])])
const ALL = 'iptables ok iptables-legacy\nstatistic ok\nredirect ok\nfilter ok\ntbf ok\nnetem no Error: Specified qdisc kind is unknown.\nss-kill ok\n'

function lab(detect = ALL, running = ['db1', 'db2', 'db3'], ledger: LedgerRecord[] = []) {
  const scripts: [string, string][] = []
  const faults = new NetFaults({
    sidecars: {
      mechanisms: async () => parseDetect(detect),
      current: async () => true,
      run: async (server, _c, script): Promise<ExecResult> => {
        scripts.push([server, script])
        return { exitCode: 0, stdout: 'eth0\n', stderr: '' }
      },
    },
    servers: () => SERVERS,
    container: (id) => (running.includes(id) ? ({ id: `c-${id}`, running: true } as ContainerInfo) : undefined),
    ledger: () => ledger,
  })
  return { faults, scripts }
}
const byId = async (f: NetFaults, target: string) => new Map((await f.actions(target))!.map((a) => [a.id, a]))

describe('network faults', () => {
  it('offers latency, loss and bandwidth on each cable and a partition on each rack; nothing on unknown targets', async () => {
    const { faults } = lab()
    expect([...(await byId(faults, 'cable:db3/wan')).keys()]).toEqual(['add-latency', 'remove-latency', 'add-loss', 'remove-loss', 'limit-bandwidth', 'unlimit-bandwidth'])
    expect((await byId(faults, 'rack:nyi-1')).get('partition')?.params?.find((p) => p.id === 'from')?.choices).toEqual(['nyi-2', 'offsite-1'])
    expect(await faults.actions('cable:db3/int')).toBeUndefined()
    expect(await faults.actions('rack:nowhere')).toBeUndefined()
  })

  it('refuses what this host cannot do with the kernel’s reason, and what needs a running server', async () => {
    const noStat = ALL.replace('statistic ok', 'statistic no iptables: No chain/target/match by that name.')
    const a = await byId(lab(noStat, ['db1']).faults, 'cable:db2/int')
    expect(a.get('add-loss')?.refused).toBe('this Docker host does not support the iptables statistic match (random packet loss): iptables: No chain/target/match by that name.')
    expect(a.get('add-latency')?.refused).toMatch(/^db2 is not running/)
    const broken = await byId(lab('iptables no Permission denied').faults, 'cable:db1/int')
    expect(broken.get('add-latency')?.refused).toMatch(/iptables in the server’s network namespace: Permission denied/)
  })

  it('refuses a second fault of the same kind on a cable, and a removal with nothing in place', async () => {
    const rec: LedgerRecord = { seq: 7, at: '', labMs: 0, target: 'cable:db3/wan', action: 'add-latency', args: { ms: '800' }, family: 'network', inverse: { action: 'remove-latency' }, result: { end: 7, ok: true, text: '' } }
    const a = await byId(lab(ALL, ['db3'], [rec]).faults, 'cable:db3/wan')
    expect(a.get('add-latency')?.refused).toBe('already in place since action 7 (add-latency ms=800): remove it first')
    expect(a.get('remove-latency')?.refused).toBeUndefined()
    expect(a.get('remove-loss')?.refused).toBe('no loss fault on cable:db3/wan')
  })

  it('partitions both sides on the network, each dropping the other side’s addresses, and skips what is down', async () => {
    const { faults, scripts } = lab(ALL, ['db1'])
    const text = await (await byId(faults, 'rack:nyi-1')).get('partition')!.run({ from: 'nyi-2', network: 'int' })
    expect(text).toBe('partitioned nyi-1 from nyi-2 on int: applied on db1 eth0; not running, so not applied: db2')
    expect(scripts.map(([s]) => s)).toEqual(['db1'])
    expect(scripts[0]![1]).toContain('iptables-legacy -w -A RL-PART-int -s 10.0.0.12 -j DROP')
    expect(scripts[0]![1]).not.toContain('10.0.2.13')
  })
})

describe('fault scripts', () => {
  const wan = { network: 'wan', ip: '10.0.2.13', index: 0 }
  it('start the proxy before steering, exempt its uid, and close open outgoing connections', () => {
    const s = addLatency('iptables-legacy', wan, 800, 50)
    expect(s.indexOf('racklab-delay-proxy')).toBeLessThan(s.indexOf('REDIRECT'))
    expect(s).toContain('-m owner ! --uid-owner 4999 -j REDIRECT --to-ports 39100')
    expect(s).toContain("ss -K -t src 10.0.2.13 'sport >= :32768'")
  })
  it('removal drops every jump to the chain, then the chain, then the proxy; and never fails', () => {
    const s = removeLatency('iptables-legacy', wan)
    expect(s).toMatch(/grep -- '-j RL-LAT-wan\$'.*\n.*-F RL-LAT-wan.*\n.*-X RL-LAT-wan/)
    expect(s.trim().split('\n').at(-1)).toBe('true')
  })
  it('refuses names and addresses that would not be plain shell words', () => {
    expect(() => addLatency('iptables', { ...wan, network: 'wan; reboot' }, 1, 0)).toThrow(/not a plain name/)
    expect(() => addPartition('iptables', wan, ['10.0.0.1 -j ACCEPT'])).toThrow(/not an IPv4 address/)
  })
})
