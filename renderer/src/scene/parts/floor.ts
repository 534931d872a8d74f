// The room: a dark tiled floor, a slightly raised zone under each site's racks, the site's name painted in front.
import { BufferGeometry, CanvasTexture, Float32BufferAttribute, LineBasicMaterial, LineSegments, Mesh, MeshBasicMaterial, MeshLambertMaterial, PlaneGeometry, RepeatWrapping, SRGBColorSpace } from 'three'
import { RACK, type SiteLayout } from '../layout'
import type { Owned } from '../owned'
import { ROOM } from '../palette'
import type { PartSink } from './sink'
import { FLOOR, FLOOR_SMALL } from './styles'

const TILE = 0.6

/**
 * The floor covers most of the picture at a grazing angle, so on a software rasterizer it is a large part of the
 * frame: in the scene bench (swiftshader, 1000×500, one page, interleaved) 4× anisotropic trilinear ~480 ms a frame,
 * 1× ~250 ms, 1× and the nearest mip level ~150 ms, the floor hidden ~110 ms. Later, by the chromium processes' CPU
 * time per frame (894×559, baked batches): textured ~60 ms, untextured ~50, hidden ~41. So a GPU gets the 4×
 * filtered tile texture, and a software rasterizer an unlit plane with the tile joints drawn as lines.
 */
function tileTexture(canvas: HTMLCanvasElement): CanvasTexture {
  canvas.width = 128
  canvas.height = 128
  const ctx = canvas.getContext('2d')
  if (ctx) {
    ctx.fillStyle = `#${ROOM.floor.toString(16).padStart(6, '0')}`
    ctx.fillRect(0, 0, 128, 128)
    ctx.strokeStyle = `#${ROOM.floorLine.toString(16).padStart(6, '0')}`
    ctx.lineWidth = 3
    ctx.strokeRect(1.5, 1.5, 125, 125)
  }
  const t = new CanvasTexture(canvas)
  t.wrapS = t.wrapT = RepeatWrapping
  t.colorSpace = SRGBColorSpace
  t.anisotropy = 4
  return t
}

export function buildFloor(owned: Owned, layout: SiteLayout, canvas: HTMLCanvasElement, software = false): Mesh {
  const w = layout.bounds.max[0] - layout.bounds.min[0] + 14
  const d = 16
  const material = software ? new MeshBasicMaterial({ color: ROOM.floor }) : new MeshLambertMaterial({ map: owned.own(tileTexture(canvas)) })
  material.map?.repeat.set(w / TILE, d / TILE)
  const floor = new Mesh(owned.own(new PlaneGeometry(w, d)), owned.own(material))
  floor.name = 'floor'
  floor.rotation.x = -Math.PI / 2
  floor.position.set(0, 0, 1)
  if (software) floor.add(tileJoints(owned, w, d))
  return floor
}

/** The tile joints as lines on the floor plane (in its own xy; the floor's rotation lays them down). */
function tileJoints(owned: Owned, w: number, d: number): LineSegments {
  const v: number[] = []
  for (let x = -w / 2; x <= w / 2; x += TILE) v.push(x, -d / 2, 0.001, x, d / 2, 0.001)
  for (let y = -d / 2; y <= d / 2; y += TILE) v.push(-w / 2, y, 0.001, w / 2, y, 0.001)
  const g = owned.own(new BufferGeometry())
  g.setAttribute('position', new Float32BufferAttribute(v, 3))
  const lines = new LineSegments(g, owned.own(new LineBasicMaterial({ color: ROOM.floorLine })))
  lines.name = 'floor-joints'
  return lines
}

export function drawZones(sink: PartSink, layout: SiteLayout): void {
  for (const s of layout.sites) {
    const w = s.x1 - s.x0 + 0.9
    const cx = (s.x0 + s.x1) / 2
    sink.matte.add([cx, 0.004, 0.05], [w, 0.008, RACK.depth + 1.5], ROOM.zone)
    // a lit edge along the front of the zone
    sink.matte.add([cx, 0.009, RACK.depth / 2 + 0.8], [w, 0.002, 0.012], 0x2b4a6b)
    sink.label(s.name.split(',')[0] ?? s.name, FLOOR, [cx, 0.011, RACK.depth / 2 + 1.15], 0.26, 'floor', w)
    const rest = s.name.includes(',') ? s.name.slice(s.name.indexOf(',') + 1).trim() : ''
    if (rest) sink.label(rest, FLOOR_SMALL, [cx, 0.011, RACK.depth / 2 + 1.42], 0.11, 'floor', w)
  }
}
