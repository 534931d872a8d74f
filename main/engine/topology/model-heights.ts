// Rack heights (U) and PSU counts of the catalogue models the default topology uses. The loader needs
// them to check that units fit and don't overlap; the hardware catalogue may supply its own lookup.
export interface ModelShape {
  /** rack units occupied */
  height: number
  /** power supplies, i.e. how many PDU feeds `power` may list */
  psus: number
}

export const MODEL_SHAPES: Readonly<Record<string, ModelShape>> = {
  'ibm-x345': { height: 2, psus: 2 },
  'ibm-x346': { height: 2, psus: 2 },
  'ibm-x3550': { height: 1, psus: 2 },
  'areca-sata-scsi': { height: 3, psus: 2 },
  'polywell-1u': { height: 1, psus: 1 },
  'sun-x4500': { height: 4, psus: 2 },
  'catalyst-2960': { height: 1, psus: 1 },
  'spares-shelf': { height: 2, psus: 0 },
}

/** Height in U of a rack-mounted model, or undefined when the model is unknown. */
export type UnitHeightLookup = (model: string) => number | undefined
/** Number of PSUs of a model, or undefined when unknown (then `power` is not counted). */
export type PsuCountLookup = (model: string) => number | undefined

export const defaultUnitHeight: UnitHeightLookup = (model) => MODEL_SHAPES[model]?.height
export const defaultPsuCount: PsuCountLookup = (model) => MODEL_SHAPES[model]?.psus
