// Ownership of GPU resources, as TresJS does it: free what you created, never what you were given. Every
// geometry, material and texture the scene makes goes through own(), so dispose() is complete by construction.

export interface Disposable {
  dispose(): void
}

export class Owned {
  private readonly items = new Set<Disposable>()

  own<T extends Disposable>(r: T): T {
    this.items.add(r)
    return r
  }

  get size(): number {
    return this.items.size
  }

  dispose(): void {
    for (const r of this.items) {
      try {
        r.dispose()
      } catch {
        // some three.js helpers throw during teardown (Tresjs/tres#721); the rest must still be freed
      }
    }
    this.items.clear()
  }
}
