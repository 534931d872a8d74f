// "Someone fat-fingered the firewall": block one port a server serves (TCP, and UDP where it serves that too: DNS),
// and unblock it (its inverse, with the
// same port: actions/inverses.ts). The block sits in the nftables set the input chain checks first, so open
// connections stall too. Both converge when replayed: a block of a blocked port changes nothing, and unblock is refused
// while nothing is blocked (an engine restart's replay takes a refusal as "already in place").
import type { RoleAction, HookContext } from '../roles/types'
import { nftFailure } from './apply'
import { BLOCKED_SET } from './ruleset'
import { blockablePorts, servedBy } from './served'

interface NftSet {
  nftables?: { set?: { name: string; elem?: unknown[] } }[]
}

/** the ports blocked now, or why the firewall can't be read */
export async function blockedPorts(c: HookContext): Promise<number[] | string> {
  // a stopped or paused server can't be asked: its firewall actions are refused with why, never thrown
  const r = await c.exec(c.server.id, ['nft', '-j', 'list', 'set', 'inet', 'racklab', BLOCKED_SET], { timeoutMs: 10_000 }).catch((e: unknown) => e as Error)
  if (r instanceof Error) return `${c.server.id}'s firewall can't be read: ${r.message}`
  if (r.exitCode !== 0) return nftFailure(c.server.id, 'reading the firewall', r.stderr || r.stdout).message
  try {
    const set = (JSON.parse(r.stdout) as NftSet).nftables?.find((x) => x.set?.name === BLOCKED_SET)?.set
    return (set?.elem ?? []).filter((e): e is number => typeof e === 'number').sort((a, b) => a - b)
  } catch {
    return `${c.server.id}: nft printed something that is not JSON: ${r.stdout.slice(0, 200)}`
  }
}

/** the ids firewallActions lists (where it lists any) */
export const FIREWALL_ACTIONS: readonly string[] = ['firewall-block', 'firewall-unblock']

export async function firewallActions(c: HookContext): Promise<RoleAction[]> {
  const me = c.server.id
  const served = servedBy(c.server.role, c)
  const ports = blockablePorts(served)
  if (!ports.length) return []
  // "53/tcp+udp" where the port is served over UDP too (the ruleset drops both for a blocked port)
  const named = (port: string): string => `${port}/${served.some((x) => x.proto === 'udp' && x.ports.includes(Number(port))) ? 'tcp+udp' : 'tcp'}`
  const blocked = await blockedPorts(c)
  const refused = typeof blocked === 'string' ? blocked : undefined
  const param = { id: 'port', label: 'port', choices: ports.map(String), optional: false }
  const nft = async (verb: 'add' | 'delete', port: string): Promise<void> => {
    const r = await c.exec(me, ['nft', verb, 'element', 'inet', 'racklab', BLOCKED_SET, `{ ${Number(port)} }`], { timeoutMs: 10_000 })
    if (r.exitCode !== 0) throw nftFailure(me, `${verb === 'add' ? 'blocking' : 'unblocking'} port ${port}`, r.stderr || r.stdout)
  }
  const isBlocked = (port: string): boolean => Array.isArray(blocked) && blocked.includes(Number(port))
  // unblock offers what is blocked first (the form's default), and is refused while nothing is: a restore that
  // can only answer "nothing changed" should not look like one to press (power-on is refused on a server that is on)
  const unblockParam = { ...param, choices: [...param.choices.filter(isBlocked), ...param.choices.filter((p) => !isBlocked(p))] }
  const unblockRefused = refused ?? (Array.isArray(blocked) && !blocked.length ? `nothing is blocked in ${me}'s firewall` : undefined)
  return [
    {
      id: FIREWALL_ACTIONS[0]!,
      label: `Block a port in ${me}'s firewall (new and open connections are dropped)`,
      kind: 'break',
      params: [param],
      ...(refused ? { refused } : {}),
      run: async ({ port }) => {
        if (isBlocked(port!)) return `port ${named(port!)} was already blocked on ${me} (undo: firewall-unblock port=${port})`
        await nft('add', port!)
        return `port ${named(port!)} blocked in ${me}'s firewall: its clients can no longer reach it (undo: firewall-unblock port=${port})`
      },
    },
    {
      id: FIREWALL_ACTIONS[1]!,
      label: `Unblock a port in ${me}'s firewall`,
      kind: 'restore',
      params: [unblockParam],
      ...(unblockRefused ? { refused: unblockRefused } : {}),
      run: async ({ port }) => {
        if (!isBlocked(port!)) return `port ${named(port!)} was not blocked on ${me}; nothing changed`
        await nft('delete', port!)
        return `port ${named(port!)} open again in ${me}'s firewall (inverse of firewall-block)`
      },
    },
  ]
}
