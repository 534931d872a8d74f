// What the pointer is on: the nearest unit or PDU box along the camera ray. Plain boxes from the layout, not
// the meshes, so picking a unit costs a few dozen box tests however detailed its drawing is.
import type { Ray} from 'three';
import { Box3, Vector3 } from 'three'
import type { Pickable } from './parts/sink'

export interface Hit {
  target: Pickable
  distance: number
}

const box = new Box3()
const point = new Vector3()

export function pick(ray: Ray, targets: readonly Pickable[]): Hit | null {
  let best: Hit | null = null
  for (const t of targets) {
    box.min.set(...t.min)
    box.max.set(...t.max)
    if (!ray.intersectBox(box, point)) continue
    const distance = point.distanceTo(ray.origin)
    // a PDU sits inside its rack's footprint but in front of nothing: prefer the closer box
    if (!best || distance < best.distance) best = { target: t, distance }
  }
  return best
}
