// dns.answers: each name server of the lab answers for the lab's domain as the zone says: its SOA, the MX of every
// mail exchanger, and www with every frontend VIP. Asked at each server's own address from the edge, the one DNS
// client that reaches the lab from outside (its forwarder resolves every service per connection); without an
// edge, from another name server (probes/plan.ts). Docker's health check only asks 127.0.0.1 for the SOA, every 60 s, and nothing
// in `racklab check` looked at DNS: a name server that answered wrongly, or not at all on its address, was "healthy".
import type { ProbeResult } from '@contract/status'
import type { Exec } from './db'

export interface DnsExpect {
  domain: string
  /** the exchangers' host names, as the MX records name them (mx1.fastmail.test.) */
  mx: string[]
  /** www's addresses: every frontend VIP */
  www: string[]
}

const MARK = '--racklab-dns--'

/** one exec: three short queries, without recursion, each answer after a marker line */
export function digScript(ip: string, domain: string): string[] {
  const q = (name: string, type: string): string => `dig +time=2 +tries=1 +norec +short @${ip} ${name} ${type}`
  return ['sh', '-c', [`echo ${MARK}; ${q(domain, 'SOA')}`, `echo ${MARK}; ${q(domain, 'MX')}`, `echo ${MARK}; ${q(`www.${domain}`, 'A')}`].join('\n')]
}

const raw = (s: string | undefined): string[] => (s ?? '').split('\n').map((l) => l.trim()).filter(Boolean)
/** the records of dig's short answer; its ';;' lines say why there are none (a timeout, a refusal) */
const lines = (s: string | undefined): string[] => raw(s).filter((l) => !l.startsWith(';'))
const same = (a: string[], b: string[]): boolean => [...a].sort().join('\n') === [...b].sort().join('\n')

/** the verdict on one server's answers (dig's output, split by the markers) */
export function judgeDns(server: string, ip: string, out: string, want: DnsExpect): Omit<ProbeResult, 'at'> {
  const [, soa, mx, www] = out.split(new RegExp(`^${MARK}$`, 'm'))
  const fail = (why: string): Omit<ProbeResult, 'at'> => ({ id: 'dns.answers', target: server, ok: false, message: `${server} (${ip}): ${why}` })
  const soaLine = lines(soa)[0]
  if (!soaLine) return fail(`no SOA for ${want.domain}${raw(soa).length ? `: ${raw(soa).join(' ').slice(0, 200)}` : ' (no answer)'}`)
  const serial = Number(soaLine.split(/\s+/)[2])
  const exchangers = lines(mx).map((l) => l.split(/\s+/)[1] ?? '')
  if (!same(exchangers, want.mx)) return fail(`MX for ${want.domain} is ${exchangers.join(', ') || 'nothing'}, the zone has ${want.mx.join(', ')}`)
  const addrs = lines(www)
  if (!same(addrs, want.www)) return fail(`www.${want.domain} is ${addrs.join(', ') || 'nothing'}, the zone has ${want.www.join(', ')}`)
  return {
    id: 'dns.answers',
    target: server,
    ok: true,
    message: `${server} (${ip}) answers for ${want.domain}: serial ${serial}, MX ${want.mx.length}, www → ${addrs.length} service IPs`,
    values: { serial },
  }
}

/** ask `ip` (the name server `server`) from `from` (the edge, or the server itself) */
export async function probeDns(exec: Exec, server: string, ip: string, from: string, want: DnsExpect): Promise<ProbeResult> {
  const at = new Date().toISOString()
  const r = await exec(from, digScript(ip, want.domain)).catch((e: unknown) => ({ exitCode: -1, stdout: '', stderr: String(e) }))
  if (r.exitCode !== 0 && !r.stdout.includes(MARK)) return { id: 'dns.answers', target: server, ok: false, message: `${server} (${ip}): could not ask it from ${from}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`, at }
  return { ...judgeDns(server, ip, r.stdout, want), at }
}
