// A server's firewall as people read it (the server panel's Firewall section, `server.firewall`): the same allow
// list the engine loads (served.ts → ruleset.ts), and the ports blocked now, read from the running table.
import type { FirewallView } from '@contract/status'
import type { HookContext } from '../roles/types'
import { blockedPorts } from './actions'
import { servedBy } from './served'

/** what ruleset.ts lets in before any role's ports, in words */
export function alwaysAllowed(role: string): string[] {
  return ['loopback', 'replies to its own connections', 'ICMP', ...(role === 'fe' ? ['VRRP between frontends (keepalived)'] : [])]
}

/**
 * `running`: whether the server's container runs now. A stopped server has no network namespace, so no
 * firewall: it is loaded again (without any block) when it starts.
 */
export async function firewallView(c: HookContext, running: boolean): Promise<FirewallView> {
  const allowed = servedBy(c.server.role, c).map((s) => ({
    proto: s.proto,
    ports: s.range ? `${s.ports[0]}–${s.ports[1]}` : s.ports.join(', '),
    from: s.from,
    what: s.what,
  }))
  const blocked = running ? await blockedPorts(c) : `${c.server.id} is not running: its firewall is loaded, with nothing blocked, when it starts`
  return { server: c.server.id, policy: 'drop', always: alwaysAllowed(c.server.role), allowed, blocked: typeof blocked === 'string' ? { error: blocked } : blocked }
}
