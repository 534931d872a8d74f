// Start servers as their own dependencies allow, not wave by wave: a server starts as soon as every server it
// depends on is ready, so a slow leaf (a replica nothing depends on) never holds up the next level. A server
// whose boot needs none of them (its role says so: roles/types.ts bootsAlone) boots at once, in parallel with
// them, and only its last step (provisioning) waits for them: `up` then costs what the slowest chain of real
// needs costs, as `docker-compose up` of the same containers does, and still returns with every step done.
export interface StartNode {
  id: string
  /** ids it waits for; ids outside the graph are ignored (not being started by this run) */
  dependsOn: readonly string[]
  /** its boot needs none of its dependencies: boot it at once; its `ready` step still waits for them */
  bootsAlone?: boolean
  /** its `ready` step needs none of them either: run it right after its own boot. The node still counts as ready
   *  (for its dependants, and for the end of the run) only once its dependencies are */
  readyAlone?: boolean
  /** its `ready` step needs its container started, not its boot done: run it once the boot says the container runs
   *  and the dependencies are ready, beside the rest of the boot. The node is done when both steps are */
  readyAtStart?: boolean
}

/** a node's two steps: `boot` (start, healthy) and `ready` (provisioning), after which dependants go on */
export interface StartSteps {
  /** calls `started` once the container runs (for a node that is ready at start; else it may not call it) */
  boot(id: string, started: () => void): Promise<void>
  ready(id: string): Promise<void>
}

/**
 * Run every node's steps once what they need resolved: `boot` after the dependencies are ready (at once for a
 * node that boots alone), `ready` after its own boot and its dependencies are ready (right after its own boot for a
 * node that is ready alone; once its container runs and its dependencies are ready, for a node ready at start). Independent steps run in
 * parallel. It rejects with the first error at once (as Promise.all would); after it, no new step starts.
 */
export async function runByDependencies(nodes: readonly StartNode[], steps: StartSteps): Promise<void> {
  const ids = new Set(nodes.map((n) => n.id))
  const done = new Map<string, Promise<void>>()
  let failed: { error: unknown } | undefined
  const visiting = new Set<string>()
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const guarded = async (step: (id: string) => Promise<void>, id: string): Promise<void> => {
    if (failed) return
    try {
      await step(id)
    } catch (e) {
      failed ??= { error: e }
      throw e
    }
  }
  const schedule = (id: string): Promise<void> => {
    const known = done.get(id)
    if (known) return known
    if (visiting.has(id)) throw new Error(`dependsOn cycle through ${id}`)
    visiting.add(id)
    const node = byId.get(id)!
    const deps = Promise.all(node.dependsOn.filter((d) => ids.has(d) && d !== id).map(schedule))
    let markStarted = (): void => undefined
    const started = new Promise<void>((r) => (markStarted = r))
    const booted = (node.bootsAlone ? Promise.resolve() : deps).then(() => guarded((x) => steps.boot(x, markStarted), id))
    // a boot that never said so has started when it is done (a failed one rejects the node through `booted`)
    void booted.then(markStarted, () => undefined)
    const gate = node.readyAtStart ? Promise.all([started, deps]) : node.readyAlone ? booted : Promise.all([booted, deps])
    const readied = gate.then(() => guarded(steps.ready, id))
    const p = Promise.all([readied, booted, deps]).then(() => undefined)
    done.set(id, p)
    return p
  }
  for (const n of nodes) void schedule(n.id)
  // every promise in `done` rejects when its steps or a dependency's failed: the first rejection is the answer
  await Promise.all(done.values())
}
