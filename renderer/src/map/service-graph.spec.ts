import { describe, expect, it } from 'vitest'
import type { ProbeResult } from '@contract/status'
import type { Topology } from '@contract/topology'
import { server } from '../testing/fixtures'
import { nyiTopology } from '../testing/nyi-topology'
import { deriveServiceGraph, LMTP, VIPS } from './service-graph'

const probe = (id: string, target: string, ok: boolean, values?: ProbeResult['values'], message = `${id} on ${target}`): ProbeResult => ({ id, target, ok, message, at: '2026-11-30T12:00:00.000Z', ...(values ? { values } : {}) })
const running = (t: Topology) => t.sites.flatMap((s) => s.racks.flatMap((r) => r.units.flatMap((u) => (u.kind === 'server' ? [server(u.id, { role: u.role })] : []))))
const edge = (g: ReturnType<typeof deriveServiceGraph>, from: string, to: string) => g.edges.find((e) => e.from === from && e.to === to)

describe('deriveServiceGraph', () => {
  const t = nyiTopology()

  it('draws the NYI chains: edge → VIPs → fe → web → db/imap, mx → LMTP → store master → replica, db1 → db2/db3', () => {
    const g = deriveServiceGraph(t, running(t), [])
    const pairs = g.edges.map((e) => `${e.from}>${e.to}`)
    for (const p of ['edge>svc:vips', 'svc:vips>fe1', 'svc:vips>fe2', 'fe1>web1', 'fe1>web2', 'fe2>web2', 'web1>db1', 'web2>imap1', 'mx1>svc:lmtp', 'mx2>svc:lmtp', 'svc:lmtp>imap1', 'imap1>imap2', 'db1>db2', 'db1>db3']) expect(pairs).toContain(p)
    const col = (id: string) => g.nodes.find((n) => n.id === id)?.column
    expect([col('edge'), col(VIPS), col('fe1'), col('web1'), col('db1'), col('db2')]).toEqual([0, 1, 2, 3, 4, 5])
    expect([col('mx1'), col(LMTP), col('imap1'), col('imap2')]).toEqual([2, 3, 4, 5])
    // servers that carry no modelled traffic (DNS, files, backup) are not on this map
    expect(g.nodes.some((n) => n.id === 'ns1' || n.id === 'file1')).toBe(false)
  })

  it('draws a topology without fe2 without it', () => {
    const noFe2: Topology = structuredClone(t)
    for (const s of noFe2.sites) for (const r of s.racks) r.units = r.units.filter((u) => u.id !== 'fe2')
    const g = deriveServiceGraph(noFe2, running(noFe2), [])
    expect(g.nodes.map((n) => n.id)).not.toContain('fe2')
    expect(g.edges.some((e) => e.from === 'fe2' || e.to === 'fe2')).toBe(false)
    expect(edge(g, 'fe1', 'web2')).toBeDefined()
  })

  it('colours each hop by the probe that measures it', () => {
    const g = deriveServiceGraph(t, running(t), [
      probe('db.replication', 'db2', false, undefined, 'db2: replication from db1 stopped'),
      probe('db.replication', 'db3', true),
      probe('web.upstreams', 'fe1', false, { nginx: true, web1: 12, web2: 'connect timeout' }),
    ])
    expect(edge(g, 'db1', 'db2')).toMatchObject({ tone: 'bad', detail: expect.stringContaining('replication from db1 stopped') })
    expect(edge(g, 'db1', 'db3')?.tone).toBe('good')
    expect(edge(g, 'fe1', 'web1')?.tone).toBe('good')
    expect(edge(g, 'fe1', 'web2')?.tone).toBe('bad')
    expect(edge(g, 'fe2', 'web1')).toMatchObject({ tone: 'idle', detail: 'web.upstreams has not reported' })
    // db2's own node warns about its failing replication
    expect(g.nodes.find((n) => n.id === 'db2')?.tone).toBe('warn')
  })

  it('shows a hop to a stopped server as idle and the server as down, whatever an older result says', () => {
    const statuses = running(t).map((s) => (s.id === 'db3' ? { ...s, state: 'stopped' as const } : s.id === 'web1' ? { ...s, state: 'absent' as const } : s))
    const g = deriveServiceGraph(t, statuses, [probe('db.replication', 'db3', true)])
    expect(edge(g, 'db1', 'db3')).toMatchObject({ tone: 'idle', detail: 'db3 not running' })
    expect(g.nodes.find((n) => n.id === 'db3')?.tone).toBe('bad')
    expect(g.nodes.find((n) => n.id === 'web1')?.tone).toBe('idle')
  })

  it('sends a click on a stand-in to a running server that carries it', () => {
    const statuses = running(t).map((s) => (s.id === 'fe1' ? { ...s, state: 'stopped' as const } : s))
    const g = deriveServiceGraph(t, statuses, [])
    expect(g.nodes.find((n) => n.id === VIPS)?.selects).toBe('fe2')
    expect(g.nodes.find((n) => n.id === LMTP)?.selects).toBe('mx1')
    // no frontend running: the VIPs are down; no frontend brought up at all: nothing measures them
    const fesDown = running(t).map((s) => (s.role === 'fe' ? { ...s, state: 'stopped' as const } : s))
    expect(deriveServiceGraph(t, fesDown, []).nodes.find((n) => n.id === VIPS)?.tone).toBe('bad')
    const dbOnly = running(t).map((s) => (s.role === 'db' ? s : { ...s, state: 'absent' as const }))
    expect(deriveServiceGraph(t, dbOnly, []).nodes.find((n) => n.id === VIPS)?.tone).toBe('idle')
  })
})
