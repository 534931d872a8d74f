// Small, synthetic topologies for the hardware model's tests and bench (the real default lives in
// resources/topologies). They go through the contract schema, so defaults are filled in as a loader would.
import { TopologySchema, type Topology } from '@contract/topology'
import { loadCatalog } from './catalog.ts'
import type { Catalog } from './catalog-schema.ts'
import { ManualClock } from './clock.ts'
import { HardwareModel } from './model.ts'
import type { ArrayStatus, CircuitStatus, UnitStatus } from './status.ts'

export interface ServerSpec {
  id: string
  model: string
  /** which circuits feed its PSUs, in PSU order */
  feeds: 'AB' | 'A' | 'B' | 'AA'
  /** its own disks as a ZFS pool (topology `pool:`) */
  pool?: Record<string, unknown>
}

export interface ArraySpec {
  id: string
  level: 'raid1' | 'raid5' | 'raid6' | 'raid10'
  members: number[]
  spares?: number[]
}

export interface LabSpec {
  amps?: number
  volts?: number
  servers?: ServerSpec[]
  /** arrays of enclosure e1 (attached to the first server); none → no enclosure */
  arrays?: ArraySpec[]
  diskModel?: string
  spareDisks?: number
}

const feedPdus = (rack: string, feeds: ServerSpec['feeds']): string[] => [...feeds].map((f) => `${rack}-pdu-${f.toLowerCase()}`)

interface RackOpts {
  sw: string
  /** appended to network ids (per-rack networks in the synthetic site) */
  net: string
  /** address of the i-th server on a network: (network, i) → IPv4 */
  ip: (network: 'int' | 'wan', i: number) => string
}

function rack(id: string, spec: LabSpec, servers: ServerSpec[], o: RackOpts): Record<string, unknown> {
  const units: Record<string, unknown>[] = [{ id: o.sw, kind: 'switch', model: 'catalyst-2960', u: 42, network: `int${o.net}`, ports: 24, power: [`${id}-pdu-a`] }]
  servers.forEach((s, i) => {
    const nics: Record<string, unknown>[] = [{ network: `int${o.net}`, ip: o.ip('int', i), switch: o.sw, port: i + 1 }]
    if (i === 0) nics.push({ network: `wan${o.net}`, ip: o.ip('wan', i) })
    units.push({ id: s.id, kind: 'server', role: 'web', model: s.model, u: 40 - i * 4, power: feedPdus(id, s.feeds), nics, ...(s.pool ? { pool: s.pool } : {}) })
  })
  const arrays = spec.arrays ?? []
  if (arrays.length > 0 && servers[0] !== undefined) {
    const bays = Math.max(...arrays.flatMap((a) => [...a.members, ...(a.spares ?? [])]))
    units.push({ id: `${id}-e1`, kind: 'enclosure', model: 'areca-sata-scsi', u: 2, power: [`${id}-pdu-a`, `${id}-pdu-b`], attachedTo: servers[0].id, diskModel: spec.diskModel ?? 'sata-500gb', bays, arrays })
  }
  return {
    id,
    circuits: [
      { id: `${id}-a`, side: 'A', volts: spec.volts ?? 120, amps: spec.amps ?? 20 },
      { id: `${id}-b`, side: 'B', volts: spec.volts ?? 120, amps: spec.amps ?? 20 },
    ],
    pdus: [
      { id: `${id}-pdu-a`, circuit: `${id}-a` },
      { id: `${id}-pdu-b`, circuit: `${id}-b` },
    ],
    units,
  }
}

const networks = [
  { id: 'int', subnet: '10.9.0.0/24' },
  { id: 'wan', subnet: '10.9.2.0/24' },
]

/**
 * One site "lab", one rack "r1" with circuits r1-a / r1-b, switch sw1 on A, the servers (default: s1 x346
 * on A+B, s2 Polywell on A, s3 Polywell on B), enclosure r1-e1 behind the first server, shelf "spares".
 */
export function labTopology(spec: LabSpec = {}): Topology {
  const servers = spec.servers ?? [
    { id: 's1', model: 'ibm-x346', feeds: 'AB' },
    { id: 's2', model: 'polywell-1u', feeds: 'A' },
    { id: 's3', model: 'polywell-1u', feeds: 'B' },
  ]
  const r = rack('r1', spec, servers, { sw: 'sw1', net: '', ip: (n, i) => `10.9.${n === 'int' ? 0 : 2}.${10 + i}` })
  const shelf = { id: 'spares', kind: 'shelf', model: 'spares-shelf', u: 5, spares: { [spec.diskModel ?? 'sata-500gb']: spec.spareDisks ?? 2, 'areca-sata-scsi': 1 } }
  r.units = [...(r.units as unknown[]), shelf]
  return TopologySchema.parse({ name: 'test-lab', domain: 'lab.test', seed: 7, sites: [{ id: 'lab', name: 'Test site', racks: [r] }], networks })
}

/** First three octets of rack i's network: each rack has its own int and wan. */
const subnet = (i: number, n: 'int' | 'wan'): string => `10.${10 + Math.floor(i / 100)}.${(i % 100) * 2 + (n === 'int' ? 0 : 1)}`

/** A site of `racks` racks like nyi-1 (switch, five dual-PSU servers, two single-PSU ones, a RAID 6 unit). */
export function syntheticSite(racks: number): Topology {
  const out: Record<string, unknown>[] = []
  for (let i = 0; i < racks; i++) {
    // the imap box first: the enclosure attaches to the first server
    const servers: ServerSpec[] = [
      { id: `imap${i}`, model: 'ibm-x345', feeds: 'AB' },
      { id: `fe${i}`, model: 'ibm-x3550', feeds: 'AB' },
      { id: `web${i}`, model: 'ibm-x346', feeds: 'AB' },
      { id: `mx${i}`, model: 'ibm-x346', feeds: 'AB' },
      { id: `db${i}`, model: 'ibm-x346', feeds: 'AB' },
      { id: `file${i}`, model: 'polywell-1u', feeds: 'B' },
      { id: `ns${i}`, model: 'polywell-1u', feeds: 'A' },
    ]
    const spec: LabSpec = { arrays: [{ id: `spool${i}`, level: 'raid6', members: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], spares: [12] }] }
    out.push(rack(`r${i}`, spec, servers, { sw: `sw${i}`, net: String(i), ip: (n, k) => `${subnet(i, n)}.${10 + k}` }))
  }
  const nets = Array.from({ length: racks }, (_, i) => [
    { id: `int${i}`, subnet: `${subnet(i, 'int')}.0/24` },
    { id: `wan${i}`, subnet: `${subnet(i, 'wan')}.0/24` },
  ]).flat()
  return TopologySchema.parse({ name: 'synthetic', domain: 'bench.test', seed: 1, sites: [{ id: 'site', name: 'Synthetic', racks: out }], networks: nets })
}

let cachedCatalog: Catalog | undefined

/** A model on a manual clock at 0 ms, with the shipped catalogue. */
export function newLab(topo: Topology = labTopology(), opts: { seed?: number; powered?: boolean } = {}): { m: HardwareModel; clock: ManualClock } {
  cachedCatalog ??= loadCatalog()
  const clock = new ManualClock()
  return { m: new HardwareModel(topo, cachedCatalog, { clock, ...opts }), clock }
}

/** The status of one array, one circuit or one unit, for terse assertions. */
export const arrayOf = (m: HardwareModel, id = 'raid'): ArrayStatus => {
  const a = m.status().enclosures.flatMap((e) => e.arrays).find((x) => x.id === id)
  if (a === undefined) throw new Error(`no array ${id}`)
  return a
}
export const circuitOf = (m: HardwareModel, id: string): CircuitStatus => {
  const c = m.status().circuits.find((x) => x.id === id)
  if (c === undefined) throw new Error(`no circuit ${id}`)
  return c
}
export const unitOf = (m: HardwareModel, id: string): UnitStatus => {
  const u = m.status().units.find((x) => x.id === id)
  if (u === undefined) throw new Error(`no unit ${id}`)
  return u
}
