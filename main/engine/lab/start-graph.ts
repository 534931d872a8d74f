// Start servers as their own dependencies allow, not wave by wave: a server starts as soon as every server it
// depends on is ready, so a slow leaf (a replica nothing depends on) never holds up the next level.
export interface StartNode {
  id: string
  /** ids it waits for; ids outside the graph are ignored (not being started by this run) */
  dependsOn: readonly string[]
}

/**
 * Run `run(id)` for every node once all its dependencies' runs resolved; independent nodes run in parallel.
 * It rejects with the first error at once (as Promise.all would); after it, no new node starts.
 */
export async function runByDependencies(nodes: readonly StartNode[], run: (id: string) => Promise<void>): Promise<void> {
  const ids = new Set(nodes.map((n) => n.id))
  const done = new Map<string, Promise<void>>()
  let failed: { error: unknown } | undefined
  const visiting = new Set<string>()
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const schedule = (id: string): Promise<void> => {
    const known = done.get(id)
    if (known) return known
    if (visiting.has(id)) throw new Error(`dependsOn cycle through ${id}`)
    visiting.add(id)
    const deps = byId.get(id)!.dependsOn.filter((d) => ids.has(d) && d !== id).map(schedule)
    const p = Promise.all(deps).then(async () => {
      if (failed) return
      try {
        await run(id)
      } catch (e) {
        failed ??= { error: e }
        throw e
      }
    })
    done.set(id, p)
    return p
  }
  for (const n of nodes) void schedule(n.id)
  // every promise in `done` rejects when its run or a dependency's failed: the first rejection is the answer
  await Promise.all(done.values())
}
