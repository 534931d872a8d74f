// The monitor makes its ProbeLab once, when the lab's engine starts; `up` may relocate the lab later. Planning
// must see the lab as it is now, or every address-based probe (VIPs, frontends) asks for the old addresses.
import { describe, expect, it } from 'vitest'
import type { LabView } from '../lab/lab-context'
import { probeLabOf } from './run-checks'

describe('probeLabOf', () => {
  it('reads the lab\'s topology, relocation and servers at each plan, not when it was made', () => {
    const lab = { topology: { name: 'a' }, relocated: { name: 'own' }, servers: new Map([['db1', {}]]) }
    const probes = probeLabOf(lab as unknown as LabView)
    lab.relocated = { name: 'moved' }
    lab.servers = new Map([['db1', {}], ['edge', {}]])
    expect((probes.relocated as unknown as { name: string }).name).toBe('moved')
    expect([...probes.servers.keys()]).toEqual(['db1', 'edge'])
  })
})
