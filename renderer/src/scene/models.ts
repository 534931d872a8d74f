// What the 3D view needs to know about each catalogue model: height in rack units, PSU slots, how its front
// looks, its chassis colour. resources/hardware/catalog.yaml is the truth; the renderer cannot read files, so this
// one table mirrors it until the contract carries a `lab.catalog` command.

/** How a front and back are drawn (see parts/fronts.ts and parts/backs.ts). */
export type Family = 'ibm-x345' | 'ibm-x346' | 'ibm-x3550' | 'whitebox' | 'thumper' | 'areca' | 'catalyst' | 'shelf' | 'generic'

export interface ModelSpec {
  id: string
  name: string
  heightU: number
  psuSlots: number
  family: Family
  /** chassis body colour */
  body: number
  /** front bezel colour */
  bezel: number
  /** false when the model id is not in the table: drawn as a plain 1U box named after the id */
  known: boolean
}

const TABLE: readonly Omit<ModelSpec, 'known'>[] = [
  { id: 'ibm-x345', name: 'IBM eServer x345', heightU: 2, psuSlots: 2, family: 'ibm-x345', body: 0x383c42, bezel: 0x2a2d32 },
  { id: 'ibm-x346', name: 'IBM eServer x346', heightU: 2, psuSlots: 2, family: 'ibm-x346', body: 0x383c42, bezel: 0x23262b },
  { id: 'ibm-x3550', name: 'IBM System x3550', heightU: 1, psuSlots: 2, family: 'ibm-x3550', body: 0x383c42, bezel: 0x23262b },
  { id: 'polywell-1u', name: 'Polywell 1U whitebox', heightU: 1, psuSlots: 1, family: 'whitebox', body: 0x8d8a82, bezel: 0xb9b5aa },
  { id: 'sun-x4500', name: 'Sun Fire X4500 "Thumper"', heightU: 4, psuSlots: 2, family: 'thumper', body: 0x8f949b, bezel: 0xb4b9c0 },
  { id: 'areca-sata-scsi', name: 'SATA-to-SCSI RAID unit (Areca controller)', heightU: 3, psuSlots: 2, family: 'areca', body: 0x3a3e44, bezel: 0x2c3035 },
  { id: 'catalyst-2960', name: 'Cisco Catalyst 2960-24', heightU: 1, psuSlots: 1, family: 'catalyst', body: 0x6d7f8c, bezel: 0x8fa3b0 },
  { id: 'catalyst-3750g', name: 'Cisco Catalyst 3750G-24', heightU: 1, psuSlots: 1, family: 'catalyst', body: 0x3d4b57, bezel: 0x5d6f7c },
  { id: 'spares-shelf', name: 'Spares shelf', heightU: 2, psuSlots: 0, family: 'shelf', body: 0x4a4f56, bezel: 0x5a6068 },
]

const BY_ID = new Map(TABLE.map((m) => [m.id, { ...m, known: true }]))

export function modelSpec(id: string): ModelSpec {
  return BY_ID.get(id) ?? { id, name: `${id} (not in the renderer's model table)`, heightU: 1, psuSlots: 1, family: 'generic', body: 0x3a3f46, bezel: 0x4a5058, known: false }
}

export const knownModels = (): string[] => [...BY_ID.keys()]
