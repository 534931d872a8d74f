// Loads a server's firewall into its own network namespace, each time its container starts (a stopped
// container's namespace is gone, and with it the rules and any block: as on a real box, a reboot loads the
// saved ruleset). Needs NET_ADMIN in the container (added to every server: lab/plan.ts) and nft in the image.
import type { HookContext } from '../roles/types'
import { nftRuleset } from './ruleset'
import { servedBy } from './served'

export function rulesetFor(c: Pick<HookContext, 'topology' | 'server' | 'serversOf'>): string {
  return nftRuleset(servedBy(c.server.role, c), c.topology.networks.map((n) => n.subnet), { vrrp: c.server.role === 'fe' })
}

/** why nft failed, in words that say what to do */
export function nftFailure(server: string, what: string, out: string): Error {
  const text = out.trim() || 'no output'
  const hint = /Operation not permitted/i.test(text)
    ? ': the container may not change its firewall (it lacks NET_ADMIN)'
    : /not found|No such file/i.test(text) && /nft/.test(text)
      ? ': its image has no nft (an image built before the firewall; `racklab up` rebuilds it)'
      : ''
  return new Error(`${server}: ${what} failed${hint} (${text})`)
}
