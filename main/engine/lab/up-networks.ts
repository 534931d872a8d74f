// `up`'s networks: choose the lab's subnets (lab-subnets.ts), then create the networks its servers use. Two
// labs that chose at the same moment can pick the same free block; Docker refuses the second ("Pool overlaps"),
// which then removes what it made in this attempt and chooses again. The winner's network may not be listed
// yet (Docker reserves the pool before the network shows), so the refused subnets are passed as taken, and the
// loser waits a short random while so that two losers do not collide again on the same next block.
import type { LifecycleContext } from './lab-context'
import type { Op } from './operations'
import { networkSpecs } from './plan'
import type { TakenSubnet } from './subnet-pool'

const ATTEMPTS = 6
/** a random pause, longer with each lost race (tests set RACKLAB_NET_RETRY_MS=0) */
const retryPauseMs = (attempt: number): number => Number(process.env.RACKLAB_NET_RETRY_MS ?? 200) * attempt * (0.5 + Math.random())
const isPoolOverlap = (e: unknown): boolean => /overlap/i.test((e as Error)?.message ?? '')

export async function createNetworks(lab: LifecycleContext, op: Op, ids: string[]): Promise<void> {
  const nets = new Set(ids.flatMap((id) => lab.servers.get(id)!.server.nics.map((n) => n.network)))
  const refused: TakenSubnet[] = []
  for (let attempt = 1; ; attempt++) {
    const had = new Set((await lab.gateway.listNetworks(lab.labId)).map((n) => n.name))
    const r = await lab.ensureSubnets(refused)
    if (r.from !== 'engine') lab.journal.append({ kind: 'op', text: `subnets: ${Object.entries(r.networks).map(([n, s]) => `${n} ${s}`).join(', ')} (${r.from === 'pool' ? 'relocated: the topology\'s own are taken' : r.from === 'previous' ? 'as last time' : 'the topology\'s own'})` })
    const specs = networkSpecs(lab.relocated, lab.labId).filter((n) => nets.has(n.labels['racklab.network']!))
    const made: string[] = []
    try {
      for (const [i, n] of specs.entries()) {
        op.progress({ phase: 'network', current: i, max: specs.length, text: `network ${n.name} ${n.subnet}${n.internal ? ' (internal)' : ''}` })
        await lab.gateway.ensureNetwork(n)
        if (!had.has(n.name)) made.push(n.name)
      }
      return
    } catch (e) {
      // only a fresh choice may be retried: a lab that already had networks keeps its subnets
      if (!isPoolOverlap(e) || had.size > 0 || attempt >= ATTEMPTS) throw e
      for (const name of made) await lab.gateway.removeNetwork(name)
      refused.push(...specs.map((n) => ({ subnet: n.subnet, by: 'another lab that is creating its networks at this moment' })))
      await new Promise((res) => setTimeout(res, retryPauseMs(attempt)))
      op.progress({ phase: 'network', current: 0, max: specs.length, text: `subnets taken meanwhile by another lab; choosing again (${(e as Error).message})` })
    }
  }
}
