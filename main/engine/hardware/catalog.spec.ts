import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { LabError } from '@contract/errors'
import { TopologySchema } from '@contract/topology'
import { defaultCatalogPath, heightOf, loadCatalog, parseCatalog } from './catalog.ts'

const shipped = readFileSync(defaultCatalogPath(), 'utf8')

function problemsOf(text: string): string {
  try {
    parseCatalog(text, 'cat.yaml')
  } catch (e) {
    expect(e).toBeInstanceOf(LabError)
    expect((e as LabError).code).toBe('TOPOLOGY_INVALID')
    return (e as LabError).message
  }
  throw new Error('expected the catalogue to be rejected')
}

describe('hardware catalogue', () => {
  const cat = loadCatalog()

  it('has every model of the default topology with the issue ids and shapes', () => {
    const expectPowered = (id: string, kind: string, u: number, slots: number): void => {
      const m = cat.models[id]
      expect(m?.kind, id).toBe(kind)
      if (m === undefined || m.kind === 'disk' || m.kind === 'psu' || m.kind === 'shelf') throw new Error(`${id} is not powered`)
      expect(m.size.u, `${id} U`).toBe(u)
      expect(m.psu.slots, `${id} PSUs`).toBe(slots)
      expect(m.power.load).toBeGreaterThanOrEqual(m.power.idle)
      expect(m.power.bootSurge).toBeGreaterThan(m.power.idle)
    }
    expectPowered('ibm-x345', 'server', 2, 2)
    expectPowered('ibm-x346', 'server', 2, 2)
    expectPowered('ibm-x3550', 'server', 1, 2)
    expectPowered('areca-sata-scsi', 'enclosure', 3, 2)
    expectPowered('polywell-1u', 'server', 1, 1)
    expectPowered('sun-x4500', 'server', 4, 2)
    expectPowered('catalyst-2960', 'switch', 1, 1)
    const x345 = cat.models['ibm-x345']
    expect(x345?.kind === 'server' && x345.psu.standard).toBe(1) // 1 standard + 1 redundant
    const areca = cat.models['areca-sata-scsi']
    expect(areca?.kind === 'enclosure' && areca.storage.bays).toBe(12)
    expect(areca?.kind === 'enclosure' && areca.storage.raidLevels).toEqual(expect.arrayContaining(['raid1', 'raid5', 'raid6', 'raid10']))
    const x4500 = cat.models['sun-x4500']
    expect(x4500?.kind === 'server' && x4500.storage.bays).toBe(48)
    const sw = cat.models['catalyst-2960']
    expect(sw?.kind === 'switch' && sw.network.ports).toBe(24)
    expect(cat.models['spares-shelf']?.kind).toBe('shelf')
    expect(heightOf(cat, 'spares-shelf')).toBe(2)
    const disk = cat.models['sata-500gb']
    expect(disk?.kind).toBe('disk')
    if (disk?.kind === 'disk') {
      expect(disk.capacityGB).toBe(500)
      expect(disk.power.idle).toBeGreaterThan(0)
      expect(disk.transfer.MBps).toBeGreaterThan(0)
    }
  })

  it('knows every model, disk and spare part the default topology names', () => {
    const topo = TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
    const units = topo.sites.flatMap((site) => site.racks.flatMap((r) => r.units))
    const named = units.flatMap((u) => [u.model, ...(u.kind === 'enclosure' ? [u.diskModel] : []), ...(u.kind === 'shelf' ? Object.keys(u.spares) : [])])
    expect(named.length).toBeGreaterThan(20)
    for (const id of named) expect(cat.models[id], id).toBeDefined()
  })

  it('marks estimates: every value group carries a source and most are E', () => {
    const groups = shipped.match(/source: '?[A-Z0-9, ]+'?/g) ?? []
    expect(groups.length).toBeGreaterThan(30)
    expect(groups.filter((g) => g.includes('E')).length).toBeGreaterThan(groups.length / 2)
    const x3550 = cat.models['ibm-x3550']
    expect(x3550?.kind === 'server' && x3550.size.source).toBe('S28') // the one stated U height
    expect(x3550?.kind === 'server' && x3550.power.source).toBe('E')
  })

  it('names file:line:column and the field of a bad value', () => {
    const text = shipped.replace('size: { u: 2, source: E }\n    # 1 PSU', 'size: { u: -2, source: E }\n    # 1 PSU')
    expect(text).not.toBe(shipped)
    const line = text.split('\n').findIndex((l) => l.includes('u: -2')) + 1
    expect(problemsOf(text)).toMatch(new RegExp(`cat\\.yaml:${line}:\\d+: models\\[0\\]\\.size\\.u: `))
  })

  it('reports a duplicate id at the second occurrence', () => {
    const text = shipped.replace('- id: ibm-x346\n', '- id: ibm-x345\n')
    const lines = text.split('\n')
    const dupLine = lines.findIndex((l, i) => l.includes('- id: ibm-x345') && lines.slice(0, i).some((p) => p.includes('- id: ibm-x345'))) + 1
    const msg = problemsOf(text)
    expect(msg).toContain(`cat.yaml:${dupLine}:`)
    expect(msg).toContain('duplicate model id "ibm-x345" (first at models[0])')
  })

  it('points an unknown field at its own key', () => {
    const text = shipped.replace('kind: switch\n    name: Cisco Catalyst 2960-24', 'kind: switch\n    colour: blue\n    name: Cisco Catalyst 2960-24')
    const line = text.split('\n').findIndex((l) => l.includes('colour: blue')) + 1
    expect(problemsOf(text)).toMatch(new RegExp(`cat\\.yaml:${line}:5: models\\[\\d+\\]: Unrecognized key: "colour"`))
  })

  it('checks references and sane numbers across fields', () => {
    const text = shipped.replace('part: psu-ibm-625w', 'part: psu-nonexistent').replace('idle: 250, load: 350', 'idle: 250, load: 200')
    const msg = problemsOf(text)
    expect(msg).toContain('"psu-nonexistent" is not a psu model')
    expect(msg).toContain('load (200 W) is below idle (250 W)')
  })

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('version: 1\nmodels: [\n')).toMatch(/cat\.yaml:\d+:\d+: \(yaml\): /)
  })

  it('says which file it could not read', () => {
    expect(() => loadCatalog('/nonexistent/catalog.yaml')).toThrow(/cannot read the hardware catalogue \/nonexistent\/catalog\.yaml/)
  })
})
