// Where everything stands, in metres: sites side by side on one floor, racks in a row per site (fronts face +z),
// units at their rack unit. Pure numbers, no three.js, so the geometry is tested without a GPU.
import type { Topology, Unit } from '@contract/topology'
import { modelSpec, type ModelSpec } from './models'

/** one rack unit: 1.75 in */
export const U = 0.04445
export const RACK = {
  width: 0.6,
  depth: 1.0,
  /** floor to U1 */
  plinth: 0.08,
  /** top of the last U to the roof */
  cap: 0.06,
  /** space between neighbouring racks of a site */
  gap: 0.14,
  /** free floor between two sites */
  siteGap: 1.5,
} as const
/** the mounting plane of the front rails, and how far a chassis reaches back */
export const FRONT_Z = 0.4
export const BACK_Z = -0.36
/** a 19-inch panel, ears included */
export const PANEL_WIDTH = 0.4826
export const BODY_WIDTH = 0.44

export type Vec3 = [number, number, number]
export interface Box {
  min: Vec3
  max: Vec3
}

export interface UnitPlacement {
  id: string
  kind: Unit['kind']
  rackId: string
  siteId: string
  unit: Unit
  spec: ModelSpec
  /** centre x of the rack it sits in */
  x: number
  /** bottom of the unit */
  y: number
  height: number
  box: Box
}

export interface PduPlacement {
  id: string
  circuit: string
  side: 'A' | 'B'
  rackId: string
  box: Box
}

export interface RackPlacement {
  id: string
  label: string
  siteId: string
  x: number
  heightU: number
  /** floor to roof */
  height: number
}

export interface SitePlacement {
  id: string
  name: string
  x0: number
  x1: number
}

export interface SiteLayout {
  sites: SitePlacement[]
  racks: RackPlacement[]
  units: UnitPlacement[]
  pdus: PduPlacement[]
  /** everything, for framing the camera */
  bounds: Box
}

export const rackHeight = (heightU: number): number => RACK.plinth + heightU * U + RACK.cap
export const unitBottom = (u: number): number => RACK.plinth + (u - 1) * U

const PITCH = RACK.width + RACK.gap

export function layoutTopology(t: Topology): SiteLayout {
  const sites: SitePlacement[] = []
  const racks: RackPlacement[] = []
  const units: UnitPlacement[] = []
  const pdus: PduPlacement[] = []
  let x = 0
  for (const site of t.sites) {
    const x0 = x - RACK.width / 2
    for (const rack of site.racks) {
      const height = rackHeight(rack.height)
      racks.push({ id: rack.id, label: rack.label ?? rack.id, siteId: site.id, x, heightU: rack.height, height })
      for (const unit of rack.units) {
        const spec = modelSpec(unit.model)
        const y = unitBottom(unit.u)
        const h = spec.heightU * U
        units.push({
          id: unit.id,
          kind: unit.kind,
          rackId: rack.id,
          siteId: site.id,
          unit,
          spec,
          x,
          y,
          height: h,
          box: { min: [x - PANEL_WIDTH / 2, y, BACK_Z], max: [x + PANEL_WIDTH / 2, y + h, FRONT_Z + 0.03] },
        })
      }
      // zero-U strips on the rear posts: side A on the left seen from the front, B on the right
      for (const pdu of rack.pdus) {
        const side = rack.circuits.find((c) => c.id === pdu.circuit)?.side ?? 'A'
        // inside the rear posts, outside the 19-inch bodies
        const px = x + (side === 'A' ? -1 : 1) * (RACK.width / 2 - 0.068)
        pdus.push({ id: pdu.id, circuit: pdu.circuit, side, rackId: rack.id, box: { min: [px - 0.025, RACK.plinth + 0.1, -0.47], max: [px + 0.025, height - RACK.cap - 0.1, -0.42] } })
      }
      x += PITCH
    }
    sites.push({ id: site.id, name: site.name, x0, x1: x - PITCH + RACK.width / 2 })
    x += RACK.siteGap - RACK.gap
  }
  // centre the floor on x = 0
  const shift = sites.length ? -(sites[0]!.x0 + sites.at(-1)!.x1) / 2 : 0
  const move = (b: Box): void => {
    b.min[0] += shift
    b.max[0] += shift
  }
  for (const s of sites) Object.assign(s, { x0: s.x0 + shift, x1: s.x1 + shift })
  for (const r of racks) r.x += shift
  for (const u of units) {
    u.x += shift
    move(u.box)
  }
  for (const p of pdus) move(p.box)
  const top = Math.max(0, ...racks.map((r) => r.height))
  // wide enough for the site names painted on the floor
  const bounds: Box = { min: [(sites[0]?.x0 ?? 0) - 0.9, 0, -RACK.depth / 2], max: [(sites.at(-1)?.x1 ?? 0) + 0.9, top, RACK.depth / 2] }
  return { sites, racks, units, pdus, bounds }
}

export const boxCenter = (b: Box): Vec3 => [(b.min[0] + b.max[0]) / 2, (b.min[1] + b.max[1]) / 2, (b.min[2] + b.max[2]) / 2]
