// The hover and selection marks: a glowing outline around a unit's box, with a faint fill for the selection.
import { BoxGeometry, EdgesGeometry, Group, LineBasicMaterial, LineSegments, Mesh, MeshBasicMaterial } from 'three'
import type { Vec3 } from './layout'
import type { Owned } from './owned'

export class Highlight {
  readonly group = new Group()
  private readonly lines: LineSegments
  private readonly fill: Mesh | null

  constructor(owned: Owned, color: number, withFill: boolean) {
    const cube = owned.own(new BoxGeometry(1, 1, 1))
    this.lines = new LineSegments(owned.own(new EdgesGeometry(cube)), owned.own(new LineBasicMaterial({ color, toneMapped: false })))
    this.lines.renderOrder = 5
    this.group.add(this.lines)
    this.fill = withFill ? new Mesh(cube, owned.own(new MeshBasicMaterial({ color, transparent: true, opacity: 0.06, depthWrite: false, toneMapped: false }))) : null
    if (this.fill) {
      this.fill.renderOrder = 5
      this.group.add(this.fill)
    }
    this.group.visible = false
  }

  show(min: Vec3 | null, max?: Vec3): void {
    if (!min || !max) {
      this.group.visible = false
      return
    }
    const pad = 0.006
    this.group.visible = true
    this.group.position.set((min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2)
    this.group.scale.set(max[0] - min[0] + pad * 2, max[1] - min[1] + pad * 2, max[2] - min[2] + pad * 2)
  }
}
