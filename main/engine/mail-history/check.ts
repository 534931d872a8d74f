// The history checker: what the workload sent (and was told) against what every store holds. Pure, so each
// verdict is tested on made-up histories. An accepted (250) message found in no mailbox of any store is lost —
// whatever else happened; nothing is inferred from probes.
import type { StoredMessage } from './stores'
import type { SentMessage } from './workload'

export interface StoreRead {
  server: string
  /** undefined when the store could not be read; `error` says why */
  messages?: StoredMessage[]
  error?: string
}

export interface HistoryReport {
  sent: number
  accepted: number
  /** not accepted (4xx, 5xx, no answer): the sender knows, so not lost */
  refused: number
  /** accepted, in no mailbox of any readable store */
  lost: string[]
  /** more than one copy on one store */
  duplicated: string[]
  /** in a mailbox of another user than its recipient */
  misrouted: string[]
  /** on one readable store and not on another, or with another body there */
  replicaDiffers: string[]
  /** stored with a body whose SHA1 is not the one sent */
  altered: string[]
  /** stored, though the sender was not told 250 (e.g. a timeout after DATA) */
  storedNotAccepted: string[]
  unreadable: { server: string; error: string }[]
  /** per path the mail took in (an MX, the edge, the webmail through a frontend and a web server), so a report
   *  says which one broke; the last refusal's reply on each */
  byPath: PathCounts[]
  /** accept → first store, ms (1 s resolution: the store's time is Cyrus's internaldate); null when nothing was stored */
  latencyMs: { p50: number; p90: number; p99: number; max: number } | null
}

export interface PathCounts {
  path: string
  sent: number
  accepted: number
  refused: number
  lost: number
  lastRefusal?: string
}

/** the path a message took: its via, and for the webmail the frontend and web server that answered */
export const pathOf = (m: SentMessage): string => (m.route ? `${m.via} (${m.route})` : m.via)

const userOf = (address: string): string => address.split('@')[0]!

/** nearest-rank percentile of sorted values */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

export function checkHistory(sent: SentMessage[], stores: StoreRead[]): HistoryReport {
  const readable = stores.filter((s) => s.messages)
  const byId = new Map<string, StoredMessage[]>()
  for (const s of readable) for (const m of s.messages!) byId.set(m.messageId, [...(byId.get(m.messageId) ?? []), m])
  const r: HistoryReport = { sent: sent.length, accepted: 0, refused: 0, lost: [], duplicated: [], misrouted: [], replicaDiffers: [], altered: [], storedNotAccepted: [], unreadable: stores.filter((s) => !s.messages).map((s) => ({ server: s.server, error: s.error ?? 'not read' })), latencyMs: null, byPath: [] }
  const paths = new Map<string, PathCounts>()
  const countOn = (m: SentMessage): PathCounts => {
    const key = pathOf(m)
    const c = paths.get(key) ?? { path: key, sent: 0, accepted: 0, refused: 0, lost: 0 }
    paths.set(key, c)
    return c
  }
  const latencies: number[] = []
  for (const m of sent) {
    const copies = byId.get(m.messageId) ?? []
    const onPath = countOn(m)
    onPath.sent++
    if (m.acceptedAt === undefined) {
      r.refused++
      onPath.refused++
      onPath.lastRefusal = m.reply
      if (copies.length) r.storedNotAccepted.push(m.messageId)
      continue
    }
    r.accepted++
    onPath.accepted++
    if (!copies.length) {
      r.lost.push(m.messageId)
      onPath.lost++
      continue
    }
    if (readable.some((s) => copies.filter((c) => c.server === s.server).length > 1)) r.duplicated.push(m.messageId)
    if (copies.some((c) => c.user !== userOf(m.to))) r.misrouted.push(m.messageId)
    if (copies.some((c) => c.sha1 !== undefined && c.sha1 !== m.sha1)) r.altered.push(m.messageId)
    // every readable store must hold it, with one body
    const perStore = readable.map((s) => copies.filter((c) => c.server === s.server).map((c) => `${c.user} ${c.sha1 ?? '?'}`).sort().join(','))
    if (new Set(perStore).size > 1) r.replicaDiffers.push(m.messageId)
    const stored = copies.map((c) => c.storedAt).filter((t): t is number => t !== undefined)
    // Cyrus stamps the spool file with the message's internaldate, in whole seconds, and acceptedAt is when swaks
    // returned: a message stored within the same second can look stored "before" it was accepted. Resolution 1 s.
    if (stored.length) latencies.push(Math.max(0, Math.min(...stored) - m.acceptedAt))
  }
  r.byPath = [...paths.values()].sort((x, y) => x.path.localeCompare(y.path))
  if (latencies.length) {
    const s = latencies.sort((a, b) => a - b)
    r.latencyMs = { p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s.at(-1)! }
  }
  return r
}

/** the counts an `expect: { mail: … }` can name, as numbers (also the step's values) */
export function historyCounts(r: HistoryReport): Record<'sent' | 'accepted' | 'refused' | 'lost' | 'duplicated' | 'misrouted' | 'replicaDiffers' | 'altered' | 'storedNotAccepted' | 'unreadable', number> {
  return { sent: r.sent, accepted: r.accepted, refused: r.refused, lost: r.lost.length, duplicated: r.duplicated.length, misrouted: r.misrouted.length, replicaDiffers: r.replicaDiffers.length, altered: r.altered.length, storedNotAccepted: r.storedNotAccepted.length, unreadable: r.unreadable.length }
}

/** one paragraph: the counts, the latency, and the first few Message-IDs of each problem */
export function describeHistory(r: HistoryReport): string {
  const c = historyCounts(r)
  const lat = r.latencyMs ? `; accept→store p50 ${r.latencyMs.p50} ms, p90 ${r.latencyMs.p90} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms` : ''
  const few = (name: string, ids: string[]): string => (ids.length ? `\n${name}: ${ids.slice(0, 5).join(' ')}${ids.length > 5 ? ` (+${ids.length - 5})` : ''}` : '')
  return (
    `${c.sent} sent, ${c.accepted} accepted, ${c.refused} refused; lost ${c.lost}, duplicated ${c.duplicated}, misrouted ${c.misrouted}, replica differs ${c.replicaDiffers}, altered ${c.altered}, stored though not accepted ${c.storedNotAccepted}${lat}` +
    few('lost', r.lost) +
    few('duplicated', r.duplicated) +
    few('misrouted', r.misrouted) +
    few('replica differs', r.replicaDiffers) +
    few('altered', r.altered) +
    r.unreadable.map((u) => `\nunreadable ${u.server}: ${u.error}`).join('') +
    r.byPath.map((p) => `\nvia ${p.path}: ${p.sent} sent, ${p.accepted} accepted, ${p.refused} refused, ${p.lost} lost${p.lastRefusal ? ` (last refusal: ${p.lastRefusal.slice(0, 160)})` : ''}`).join('')
  )
}
