// A server's kernel firewall as one nftables table, `inet racklab`, loaded with `nft -f -`. It replaces only its
// own table: Docker's NAT rules for the embedded DNS (table ip nat) in the same namespace stay untouched.
// Input policy drop; the blocked set is checked before "established" so a block also cuts open connections
// (replication stalls at once, as on a real box when someone fat-fingers the firewall).
import type { Served } from './served'

export const TABLE = 'inet racklab'
export const BLOCKED_SET = 'blocked_tcp'
/** VRRP (IP protocol 112): keepalived's adverts between frontends */
const VRRP = 112

export function nftRuleset(served: Served[], labNets: string[], o: { vrrp?: boolean } = {}): string {
  if (!labNets.length) throw new Error('firewall: the lab has no subnets to allow')
  const nets = `{ ${labNets.join(', ')} }`
  const rules = served.map((s) => {
    const ports = s.range ? `${s.ports[0]}-${s.ports[1]}` : s.ports.length === 1 ? String(s.ports[0]) : `{ ${s.ports.join(', ')} }`
    return `    ${s.from === 'lab' ? `ip saddr ${nets} ` : ''}${s.proto} dport ${ports} accept comment "${s.what}"`
  })
  return [
    `table ${TABLE} {}`,
    `delete table ${TABLE}`,
    `table ${TABLE} {`,
    `  set ${BLOCKED_SET} { type inet_service; comment "ports blocked by a firewall-block action"; }`,
    '  chain input {',
    '    type filter hook input priority filter; policy drop;',
    '    iif "lo" accept',
    // the set holds port numbers (named before UDP was served: DNS): a blocked port is blocked for both
    `    tcp dport @${BLOCKED_SET} drop`,
    `    udp dport @${BLOCKED_SET} drop`,
    '    ct state established,related accept',
    '    ct state invalid drop',
    '    meta l4proto icmp accept',
    ...(o.vrrp ? [`    ip saddr ${nets} ip protocol ${VRRP} accept comment "VRRP between frontends"`] : []),
    ...rules,
    '  }',
    '}',
    '',
  ].join('\n')
}
