import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema } from '@contract/topology'
import { placeServers, roleContext } from '../lab/plan'
import type { HookContext } from '../roles/types'
import { firewallActions } from './actions'
import { BLOCKED_SET } from './ruleset'

const t = TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const base = roleContext(t, placeServers(t), 'db1', { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }, 'lab1')

describe('firewall actions', () => {
  it('on a server that is not running: both actions are there, refused with why (nothing thrown)', async () => {
    const c = { ...base, exec: () => Promise.reject(new Error('container racklab-lab1-db1 is not running')), labCa: () => Promise.reject(new Error('unused')) } as unknown as HookContext
    const list = await firewallActions(c)
    expect(list.map((a) => a.id)).toEqual(['firewall-block', 'firewall-unblock'])
    for (const a of list) expect(a.refused).toContain("db1's firewall can't be read: container racklab-lab1-db1 is not running")
  })

  const withSet = (elem: number[]): HookContext =>
    ({ ...base, exec: () => Promise.resolve({ exitCode: 0, stdout: JSON.stringify({ nftables: [{ set: { name: BLOCKED_SET, elem } }] }), stderr: '' }), labCa: () => Promise.reject(new Error('unused')) }) as unknown as HookContext

  it('unblock is refused while nothing is blocked (block is offered), and offers the blocked port first when one is', async () => {
    const [block, unblock] = await firewallActions(withSet([]))
    expect(block!.refused).toBeUndefined()
    expect(unblock!.refused).toBe("nothing is blocked in db1's firewall")
    const [, after] = await firewallActions(withSet([3306]))
    expect(after!.refused).toBeUndefined()
    expect(after!.params![0]!.choices[0]).toBe('3306')
    expect([...after!.params![0]!.choices].sort()).toEqual([...block!.params![0]!.choices].sort())
  })
})
