// The web tier's part of `racklab check`: HTTPS through the edge, a login through the edge on EVERY running
// web backend (pinned, not round robin), VIP owners, each frontend's view of the web pool. Only what runs is probed; a frontend that is down shows up in web.vips.
import type { ProbeResult } from '@contract/status'
import type { LabEngine } from '../lab/lab-engine'
import { frontendVips } from '../roles/fe-vips'
import type { Exec } from './db'
import { frontendStatuses, probeHttpsEdge, probeLogin, upstreamHealth, vipOwners } from './web'

export async function webChecks(lab: LabEngine, exec: Exec, running: string[], wants: (id: string) => boolean = () => true): Promise<ProbeResult[]> {
  const up = new Set(running)
  const of = (role: string): string[] => [...lab.servers.values()].filter((p) => p.server.role === role && up.has(p.server.id)).map((p) => p.server.id)
  const out: ProbeResult[] = []
  const fes = of('fe')
  if (fes.length && (wants('web.vips') || wants('web.upstreams'))) {
    const statuses = await frontendStatuses(exec, fes)
    if (wants('web.vips')) out.push(vipOwners(frontendVips(lab.topology), statuses))
    if (wants('web.upstreams')) for (const fe of fes) out.push(upstreamHealth(fe, statuses.get(fe) ?? 'no status'))
  }
  const user = lab.topology.users[0]
  for (const edge of of('edge')) {
    if (wants('web.https')) out.push(await probeHttpsEdge(exec, edge))
    if (user && wants('web.login')) for (const web of of('web')) out.push(await probeLogin(exec, edge, user, web))
  }
  return out
}
