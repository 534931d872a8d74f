import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema } from '@contract/topology'
import { placeServers, roleContext } from '../lab/plan'
import type { HookContext } from '../roles/types'
import { firewallActions } from './actions'

const t = TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const base = roleContext(t, placeServers(t), 'db1', { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }, 'lab1')

describe('firewall actions', () => {
  it('on a server that is not running: both actions are there, refused with why (nothing thrown)', async () => {
    const c = { ...base, exec: () => Promise.reject(new Error('container racklab-lab1-db1 is not running')), labCa: () => Promise.reject(new Error('unused')) } as unknown as HookContext
    const list = await firewallActions(c)
    expect(list.map((a) => a.id)).toEqual(['firewall-block', 'firewall-unblock'])
    for (const a of list) expect(a.refused).toContain("db1's firewall can't be read: container racklab-lab1-db1 is not running")
  })
})
