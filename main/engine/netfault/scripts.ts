// The shell that applies and removes each network fault inside one server's network namespace (run by the
// netfault sidecar as root). Each fault has its own iptables chain, named after its kind and the network, so
// removing one never touches another, and every removal is idempotent (a missing chain or qdisc is fine).
// Pure text: the unit tests read it; the integration test runs it.

/** the uid the delay proxy runs as: its own upstream connections are exempt from the REDIRECT */
export const PROXY_UID = 4999
const PORT_BASE = 39100

export interface LinkRef {
  /** the topology's network id, e.g. wan */
  network: string
  /** this server's address on it: finds the interface, whatever Docker named it */
  ip: string
  /** position of the NIC among the server's: gives the delay proxy a port of its own */
  index: number
}

const NAME = /^[a-z0-9-]+$/
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/
function checked(link: LinkRef): LinkRef {
  if (!NAME.test(link.network)) throw new Error(`network id "${link.network}" is not a plain name`)
  if (!IPV4.test(link.ip)) throw new Error(`"${link.ip}" is not an IPv4 address`)
  return link
}

export const proxyPort = (link: LinkRef): number => PORT_BASE + link.index
export const chainName = (kind: 'LAT' | 'LOSS' | 'PART', network: string): string => `RL-${kind}-${network}`.slice(0, 28)
const pidFile = (network: string): string => `/tmp/rl-delay-${network}.pid`

/** sets IF to the interface holding the address, or stops with a reason a person can act on */
function findInterface(link: LinkRef): string {
  return [
    'set -u',
    `IF=$(ip -o -4 addr show | awk -v ip=${link.ip} '{ split($4, a, "/"); if (a[1] == ip) { print $2; exit } }')`,
    `[ -n "$IF" ] || { echo "no interface holds ${link.ip} (network ${link.network}): is the cable plugged in?" >&2; exit 3; }`,
  ].join('\n')
}

/** the jumps into a chain from the built-in chains, added first in line */
function jumps(ipt: string, chain: string, table: 'filter' | 'nat', op: '-I' | '-D'): string {
  const at = op === '-I' ? ' 1' : ''
  if (table === 'nat') return `${ipt} -w -t nat ${op} OUTPUT${at} -o "$IF" -p tcp -j ${chain}`
  return [`${ipt} -w ${op} INPUT${at} -i "$IF" -j ${chain}`, `${ipt} -w ${op} OUTPUT${at} -o "$IF" -j ${chain}`].join('\n')
}

function dropChain(ipt: string, chain: string, table: 'filter' | 'nat'): string {
  const t = table === 'nat' ? ' -t nat' : ''
  // the jumps may have been added with another interface name (a re-attached cable): delete every jump to it
  return [
    `${ipt}-save -t ${table} 2>/dev/null | grep -- '-j ${chain}$' | sed 's/^-A /-D /' | while read -r rule; do eval "${ipt} -w${t} $rule" || true; done`,
    `${ipt} -w${t} -F ${chain} 2>/dev/null || true`,
    `${ipt} -w${t} -X ${chain} 2>/dev/null || true`,
  ].join('\n')
}

export function addLatency(ipt: string, l: LinkRef, delayMs: number, jitterMs: number): string {
  const link = checked(l)
  const chain = chainName('LAT', link.network)
  const port = proxyPort(link)
  return [
    findInterface(link),
    // the proxy first, so no connection is ever steered to a port nobody listens on
    `setsid setpriv --reuid ${PROXY_UID} --regid ${PROXY_UID} --clear-groups racklab-delay-proxy --listen 127.0.0.1:${port} --delay ${delayMs} --jitter ${jitterMs} --pidfile ${pidFile(link.network)} </dev/null >/tmp/rl-delay-${link.network}.log 2>&1 &`,
    `i=0; until ss -Hltn "sport = :${port}" | grep -q .; do i=$((i+1)); [ $i -lt 40 ] || { cat /tmp/rl-delay-${link.network}.log >&2; echo "the delay proxy did not start" >&2; exit 4; }; sleep 0.05; done`,
    `${ipt} -w -t nat -N ${chain}`,
    `${ipt} -w -t nat -A ${chain} -o "$IF" -p tcp -m owner ! --uid-owner ${PROXY_UID} -j REDIRECT --to-ports ${port}`,
    jumps(ipt, chain, 'nat', '-I'),
    // connections opened before stay on their old path until they reconnect: close this server's outgoing ones
    `ss -K -t src ${link.ip} 'sport >= :32768' >/dev/null 2>&1 || true`,
    `echo "$IF"`,
  ].join('\n')
}

export function removeLatency(ipt: string, l: LinkRef): string {
  const link = checked(l)
  return [
    dropChain(ipt, chainName('LAT', link.network), 'nat'),
    // the proxy goes last: its connections close and reconnect directly
    `[ -f ${pidFile(link.network)} ] && kill "$(cat ${pidFile(link.network)})" 2>/dev/null; rm -f ${pidFile(link.network)}`,
    'true',
  ].join('\n')
}

/** is the link's delay proxy alive? prints "alive" or "dead" */
export function latencyAlive(l: LinkRef): string {
  const link = checked(l)
  return `[ -f ${pidFile(link.network)} ] && kill -0 "$(cat ${pidFile(link.network)})" 2>/dev/null && echo alive || echo dead`
}

export function addLoss(ipt: string, l: LinkRef, percent: number): string {
  const link = checked(l)
  const chain = chainName('LOSS', link.network)
  const p = (percent / 100).toFixed(4)
  return [findInterface(link), `${ipt} -w -N ${chain}`, `${ipt} -w -A ${chain} -m statistic --mode random --probability ${p} -j DROP`, jumps(ipt, chain, 'filter', '-I'), 'echo "$IF"'].join('\n')
}

export function removeLoss(ipt: string, l: LinkRef): string {
  return [dropChain(ipt, chainName('LOSS', checked(l).network), 'filter'), 'true'].join('\n')
}

/** tbf on what the server sends out of this interface; burst: 20 ms at the rate, at least 4 kB */
export function addBandwidth(l: LinkRef, kbit: number): string {
  const link = checked(l)
  const burst = Math.max(4096, Math.round((kbit * 1000) / 8 / 50))
  return [findInterface(link), `tc qdisc replace dev "$IF" root tbf rate ${kbit}kbit burst ${burst} latency 400ms`, 'echo "$IF"'].join('\n')
}

export function removeBandwidth(l: LinkRef): string {
  const link = checked(l)
  return [findInterface(link), 'tc qdisc show dev "$IF" root | grep -q "^qdisc tbf" && tc qdisc del dev "$IF" root', 'true'].join('\n')
}

/** drop everything to and from the other side's addresses on this network, both ways */
export function addPartition(ipt: string, l: LinkRef, others: string[]): string {
  const link = checked(l)
  const chain = chainName('PART', link.network)
  const bad = others.find((ip) => !IPV4.test(ip))
  if (bad) throw new Error(`"${bad}" is not an IPv4 address`)
  return [
    findInterface(link),
    `${ipt} -w -N ${chain}`,
    ...others.flatMap((ip) => [`${ipt} -w -A ${chain} -s ${ip} -j DROP`, `${ipt} -w -A ${chain} -d ${ip} -j DROP`]),
    jumps(ipt, chain, 'filter', '-I'),
    'echo "$IF"',
  ].join('\n')
}

export function removePartition(ipt: string, l: LinkRef): string {
  return [dropChain(ipt, chainName('PART', checked(l).network), 'filter'), 'true'].join('\n')
}
