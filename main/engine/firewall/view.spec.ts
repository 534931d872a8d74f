// The firewall as the server panel shows it: the allow list the engine loads, and the blocked set read live.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema } from '@contract/topology'
import { placeServers, roleContext } from '../lab/plan'
import type { HookContext } from '../roles/types'
import { BLOCKED_SET } from './ruleset'
import { firewallView } from './view'

const t = TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const secrets = { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }
function ctx(server: string, exec: HookContext['exec']): HookContext {
  return { ...roleContext(t, placeServers(t), server, secrets, 'lab1'), exec, labCa: () => Promise.reject(new Error('unused')) } as unknown as HookContext
}
const nftSet = (elem: number[]): string => JSON.stringify({ nftables: [{ metainfo: {} }, { set: { family: 'inet', name: BLOCKED_SET, table: 'racklab', ...(elem.length ? { elem } : {}) } }] })

describe('firewall view', () => {
  it("db1: MariaDB and backup1's offsite port from the lab only, and the port blocked now", async () => {
    const asked: string[][] = []
    const v = await firewallView(ctx('db1', async (_s, cmd) => (asked.push(cmd), { exitCode: 0, stdout: nftSet([3306]), stderr: '' })), true)
    expect(asked).toEqual([['nft', '-j', 'list', 'set', 'inet', 'racklab', BLOCKED_SET]])
    expect(v).toEqual({
      server: 'db1',
      policy: 'drop',
      always: ['loopback', 'replies to its own connections', 'ICMP'],
      allowed: [
        { proto: 'tcp', ports: '3306', from: 'lab', what: 'MariaDB (clients and replicas)' },
        { proto: 'tcp', ports: '9101', from: 'lab', what: 'offsite copies from backup1' },
        { proto: 'tcp', ports: '22', from: 'lab', what: 'SSH (the lab operator key only)' },
      ],
      blocked: [3306],
    })
  })

  it('fe1: VRRP too, several ports on one rule, passive FTP as a range; nothing blocked', async () => {
    const v = await firewallView(ctx('fe1', async () => ({ exitCode: 0, stdout: nftSet([]), stderr: '' })), true)
    expect(v.always).toContain('VRRP between frontends (keepalived)')
    expect(v.allowed[0]).toEqual({ proto: 'tcp', ports: '80, 443, 143, 110, 587, 21', from: 'lab', what: 'HTTP, HTTPS, IMAP, POP, submission, FTP' })
    expect(v.allowed.find((a) => a.what === 'passive FTP')?.ports).toMatch(/^\d+–\d+$/)
    expect(v.blocked).toEqual([])
  })

  it('a stopped server is not asked; a firewall that cannot be read says why instead of throwing', async () => {
    const never = (): never => {
      throw new Error('a stopped server must not be asked')
    }
    expect((await firewallView(ctx('db2', never), false)).blocked).toEqual({ error: 'db2 is not running: its firewall is loaded, with nothing blocked, when it starts' })
    const v = await firewallView(ctx('db2', async () => ({ exitCode: 1, stdout: '', stderr: 'Error: Operation not permitted' })), true)
    expect(v.blocked).toEqual({ error: expect.stringContaining('db2: reading the firewall failed: the container may not change its firewall (it lacks NET_ADMIN)') })
    expect(v.allowed.map((a) => a.ports)).toEqual(['3306', '9101', '22'])
  })
})
