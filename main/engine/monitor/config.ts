// The monitor's knobs, in one place. Probe cadence is data: a new probe id is one line here.

export type Cadence = 'fast' | 'medium' | 'slow'

/** fast: cheap reads (a SQL status, a queue listing); slow: sends mail, walks every GUID or checksums tables */
export const PROBE_CADENCE: Record<string, Cadence> = {
  'db.ping': 'fast',
  'db.replication': 'fast',
  'db.clients': 'fast',
  'mx.queue': 'fast',
  'web.vips': 'fast',
  'web.upstreams': 'fast',
  'server.running': 'fast',
  'dns.answers': 'medium',
  'mail.access': 'medium',
  'smtp.accept': 'medium',
  'web.https': 'medium',
  'web.login': 'medium',
  'db.checksum': 'slow',
  'imap.replication': 'slow',
  'mail.e2e': 'slow',
  'spam.tagged': 'slow',
  'virus.refused': 'slow',
  'storage.replicas': 'medium',
  'storage.scrub': 'medium',
  'storage.dav': 'medium',
  'storage.ftp': 'medium',
  // the restore drill copies a sample of backup1's files out and hashes them
  'backup.verify': 'slow',
}
export const cadenceOf = (probe: string): Cadence => PROBE_CADENCE[probe] ?? 'medium'

export interface MonitorConfig {
  /** how often the monitor looks (hardware sampled, due probes started, alerts evaluated) */
  tickMs: number
  everyMs: Record<Cadence, number>
  /** medium and slow probes run this long after an action (its effects need a moment to show) */
  afterActionMs: number
  /** a unit whose last run failed runs again this soon, whatever its cadence */
  retryFailingMs: number
  /** a lab where nothing happened for this long (no action, no state change, nothing failing) is idle… */
  idleAfterMs: number
  /** …and its probes run this many times less often, until anything happens (an idle whole site's probes were
   *  two thirds of its CPU: ~27 % of a core of execs into its containers). 24: the fast probes every 2 minutes,
   *  the medium every 12 and the slow every 72. An exec costs the container 50–100 ms of CPU with its command
   *  (runc), so a probe's price is mostly its count: at 12 the probes were still ~30 execs a minute, two thirds
   *  of an idle lab's execs (Docker's checks are the rest). A failing probe still runs again every 10 s, and an
   *  action or a state change (a container stopping or going unhealthy by Docker's event) ends the spell at once,
   *  so what waits longer is only a fault nobody caused that Docker does not see */
  idleFactor: number
  /** probes running at once, at most */
  concurrency: number
  /** points kept per series */
  historyPoints: number
  /** replication lag above this is an alert */
  lagAlertSeconds: number
  /** a circuit above this share of its rating… */
  circuitAlertPct: number
  /** …for this long in lab time is an alert (NEC: 80 % for 3 h is "continuous"; the lab runs faster) */
  circuitAlertForLabMs: number
}

export const DEFAULT_MONITOR_CONFIG: MonitorConfig = {
  tickMs: 1000,
  everyMs: { fast: 5_000, medium: 30_000, slow: 180_000 },
  afterActionMs: 5_000,
  retryFailingMs: 10_000,
  idleAfterMs: 5 * 60_000,
  idleFactor: 24,
  concurrency: 6,
  historyPoints: 500,
  lagAlertSeconds: 30,
  circuitAlertPct: 80,
  circuitAlertForLabMs: 5 * 60_000,
}

/** RACKLAB_MONITOR_SLOW_S=600 runs the expensive probes every 10 minutes; bad values are named */
export function configFromEnv(env: NodeJS.ProcessEnv): Partial<MonitorConfig> {
  const slow = env.RACKLAB_MONITOR_SLOW_S
  if (slow === undefined) return {}
  const s = Number(slow)
  if (!Number.isFinite(s) || s < 10) throw new Error(`RACKLAB_MONITOR_SLOW_S must be a number of seconds ≥ 10, got "${slow}"`)
  return { everyMs: { ...DEFAULT_MONITOR_CONFIG.everyMs, slow: s * 1000 } }
}
