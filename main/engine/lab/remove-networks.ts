// `down` removes the lab's networks, as `docker-compose down` does: a network left behind blocks the next lab
// (labs share fixed subnets). Docker 20.10 can keep a stale endpoint on a network after a container was
// disconnected and reconnected (cable pulls and replugs): removal then fails with "has active endpoints" though
// no container is attached. Such endpoints are force-disconnected by the name Docker recorded, and the removal
// retried; what still can't go is named with the exact commands that clear it.
// Docker 20.10 also miscounts: with containers started and stopped at once on a network (every up and down does
// that) its endpoint count can stay above zero with no endpoint left at all (reproduced here within 1 to 70 rounds
// of such starts and stops; docker-miscount.test.ts). Only a restart of dockerd recounts. Such a network is empty
// and holds nothing of the lab; the lab's next up adopts it as it is. So it does not fail the down: it is
// reported, with how to clear it, and the next down tries again.
import { LabError } from '@contract/errors'
import { LABEL_LAB, type DockerGateway } from '../docker/types'

const ATTEMPTS = 3

const hasActiveEndpoints = (e: unknown): boolean => /active endpoints/i.test((e as Error).message ?? '')

export interface LeftNetwork {
  network: string
  why: string
  /** commands a person runs to clear it */
  fix: string[]
  /** Docker's endpoint count is wrong: no endpoint is listed, no container attached, yet it refuses */
  miscounted?: boolean
}

export interface NetworksRemoved {
  removed: number
  /** empty networks Docker would not remove (its endpoint count is wrong), each with how to clear it */
  miscounted: LeftNetwork[]
}

/** Force-disconnect every endpoint that is stale or ours; returns the containers of other owners still attached. */
async function clearEndpoints(gw: DockerGateway, labId: string, network: string, note: (text: string) => void): Promise<string[]> {
  const foreign: string[] = []
  for (const ep of await gw.networkEndpoints(network)) {
    const c = ep.key.startsWith('ep-') ? undefined : await gw.inspectContainer(ep.key)
    if (c && c.labels[LABEL_LAB] !== labId) {
      foreign.push(c.name)
      continue
    }
    // a live container of ours (started meanwhile) goes by its id; a stale endpoint only by its recorded name
    const by = c ? [ep.key] : [ep.name, ep.key].filter((x) => x && !x.startsWith('ep-'))
    for (const who of by) {
      try {
        await gw.disconnectNetwork(network, who)
        note(`${network}: force-disconnected ${c ? 'container' : 'stale endpoint'} ${ep.name || ep.key} (endpoint ${ep.endpointId.slice(0, 12)})`)
        break
      } catch {
        // the next name, or the retry below reports it
      }
    }
  }
  return foreign
}

async function removeOne(gw: DockerGateway, labId: string, network: string, note: (text: string) => void): Promise<LeftNetwork | undefined> {
  let last: unknown
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      await gw.removeNetwork(network)
      return undefined
    } catch (e) {
      last = e
      if (!hasActiveEndpoints(e)) break
    }
    const foreign = await clearEndpoints(gw, labId, network, note)
    if (foreign.length)
      return {
        network,
        why: `containers that are not part of lab ${labId} are attached to it: ${foreign.join(', ')}`,
        fix: [...foreign.map((c) => `docker network disconnect ${network} ${c}`), `docker network rm ${network}`],
      }
    // a disconnect is usually enough at once; give the daemon a moment when it was not
    if (attempt > 1) await new Promise((r) => setTimeout(r, 300 * attempt))
  }
  const eps = await gw.networkEndpoints(network).catch(() => [])
  if (hasActiveEndpoints(last) && !eps.length)
    return {
      network,
      miscounted: true,
      why: `Docker says it "has active endpoints", yet it lists none and no container is attached: Docker 20.10 miscounted its endpoints, and only a restart of dockerd counts them again. It is empty; this lab's next up uses it as it is`,
      fix: ['sudo systemctl restart docker (or restart dockerd as it was started)', 'racklab down (removes it)'],
    }
  return {
    network,
    why: `${(last as Error).message}${eps.length ? ` (endpoints still listed: ${eps.map((e) => `${e.name || e.key} ${e.endpointId.slice(0, 12)}`).join(', ')})` : ''}`,
    fix: [
      ...eps.map((e) => `docker network disconnect -f ${network} ${e.name || e.key}`),
      `docker network rm ${network}`,
      'if Docker still refuses: sudo systemctl restart docker (a restart drops stale endpoints), then racklab down again',
    ],
  }
}

/** Remove every network labelled with the lab; throws a REFUSED naming each one left and how to clear it, except
 *  those only Docker's miscount keeps (returned, to be reported). */
export async function removeLabNetworks(gw: DockerGateway, labId: string, note: (text: string) => void): Promise<NetworksRemoved> {
  const nets = await gw.listNetworks(labId)
  const left = (await Promise.all(nets.map((n) => removeOne(gw, labId, n.name, note)))).filter((s): s is LeftNetwork => s !== undefined)
  const stuck = left.filter((s) => !s.miscounted)
  const miscounted = left.filter((s) => s.miscounted)
  if (stuck.length)
    throw new LabError(
      'REFUSED',
      `down removed the containers but could not remove ${stuck.length === 1 ? 'network' : 'networks'} ${stuck.map((s) => s.network).join(', ')}; ` +
        `the next lab cannot start until ${stuck.length === 1 ? 'it is' : 'they are'} gone.\n` +
        stuck.map((s) => `${s.network}: ${s.why}\n  run: ${s.fix.join('\n  run: ')}`).join('\n'),
      { networks: stuck },
    )
  return { removed: nets.length - miscounted.length, miscounted }
}

/** one line per network left by Docker's miscount, for the journal and the person who ran down */
export const miscountedText = (m: LeftNetwork): string => `network ${m.network} left behind: ${m.why}. To remove it: ${m.fix.join(', then ')}`
