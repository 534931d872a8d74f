// The room: a dark tiled floor, a slightly raised zone under each site's racks, the site's name painted in front.
import { CanvasTexture, LinearMipmapNearestFilter, Mesh, MeshLambertMaterial, PlaneGeometry, RepeatWrapping, SRGBColorSpace } from 'three'
import { RACK, type SiteLayout } from '../layout'
import type { Owned } from '../owned'
import { ROOM } from '../palette'
import type { PartSink } from './sink'
import { FLOOR, FLOOR_SMALL } from './styles'

const TILE = 0.6

/**
 * The floor covers most of the picture at a grazing angle, so its texture filtering is most of a software
 * rasterizer's frame: in the scene bench (swiftshader, 1000×500, one page, interleaved) 4× anisotropic trilinear
 * ~480 ms a frame, 1× ~250 ms, 1× and the nearest mip level ~150 ms, the floor hidden ~110 ms. A GPU keeps 4×.
 */
function tileTexture(canvas: HTMLCanvasElement, software: boolean): CanvasTexture {
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
  t.anisotropy = software ? 1 : 4
  if (software) t.minFilter = LinearMipmapNearestFilter
  return t
}

export function buildFloor(owned: Owned, layout: SiteLayout, canvas: HTMLCanvasElement, software = false): Mesh {
  const w = layout.bounds.max[0] - layout.bounds.min[0] + 14
  const d = 16
  const tex = owned.own(tileTexture(canvas, software))
  tex.repeat.set(w / TILE, d / TILE)
  const floor = new Mesh(owned.own(new PlaneGeometry(w, d)), owned.own(new MeshLambertMaterial({ map: tex })))
  floor.name = 'floor'
  floor.rotation.x = -Math.PI / 2
  floor.position.set(0, 0, 1)
  return floor
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
