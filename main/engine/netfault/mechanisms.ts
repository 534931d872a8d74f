// Which network-fault mechanisms this host's Docker engine allows, from racklab-netfault-detect's output (run
// once per engine in a throwaway netfault container). A fault whose mechanism is missing is refused with the
// reason the kernel gave, never faked: this kernel has no netem, Docker Desktop may lack tc actions, etc.
export const MECHANISMS = ['iptables', 'statistic', 'redirect', 'filter', 'tbf', 'netem', 'ss-kill'] as const
export type Mechanism = (typeof MECHANISMS)[number]

export interface Mechanisms {
  /** the iptables binary that works in a container's namespace (iptables-legacy or iptables-nft) */
  iptables?: string
  ok: ReadonlySet<Mechanism>
  /** why each missing mechanism is missing */
  why: ReadonlyMap<Mechanism, string>
}

/** Lines "NAME ok [DETAIL]" / "NAME no REASON"; a mechanism the script did not mention is missing too. */
export function parseDetect(text: string): Mechanisms {
  const ok = new Set<Mechanism>()
  const why = new Map<Mechanism, string>()
  let iptables: string | undefined
  for (const line of text.split('\n')) {
    const m = /^(\S+) (ok|no)(?: (.*))?$/.exec(line.trim())
    if (!m || !(MECHANISMS as readonly string[]).includes(m[1]!)) continue
    const name = m[1] as Mechanism
    if (m[2] === 'ok') {
      ok.add(name)
      if (name === 'iptables' && m[3]) iptables = m[3].trim()
    } else why.set(name, m[3]?.trim() || 'not available')
  }
  for (const n of MECHANISMS) if (!ok.has(n) && !why.has(n)) why.set(n, 'the detection did not report it')
  return { ...(iptables ? { iptables } : {}), ok, why }
}

const WHAT: Record<Mechanism, string> = {
  iptables: 'iptables in the server’s network namespace',
  statistic: 'the iptables statistic match (random packet loss)',
  redirect: 'iptables REDIRECT with the owner match (steering TCP through the delay proxy)',
  filter: 'iptables DROP rules',
  tbf: 'the tbf queueing discipline (bandwidth limit)',
  netem: 'netem',
  'ss-kill': 'closing established sockets (ss -K), so open connections move onto the delay proxy',
}

/** undefined when every needed mechanism works, else why not (the first missing one, with the kernel's words) */
export function unavailable(m: Mechanisms, needs: Mechanism[]): string | undefined {
  const missing = needs.find((n) => !m.ok.has(n))
  return missing ? `this Docker host does not support ${WHAT[missing]}: ${m.why.get(missing) ?? 'not available'}` : undefined
}
