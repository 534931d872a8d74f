// What the monitor publishes: alerts it raises and clears, and bounded series for charts.

export type AlertSeverity = 'critical' | 'warning'

export interface Alert {
  /** rule and target: stable while the condition lasts, e.g. "replication.stopped@server:db2" */
  id: string
  /** the rule that raised it, e.g. replication.stopped, circuit.overload */
  rule: string
  severity: AlertSeverity
  /** what it is about, as actions name targets: server:db2, circuit:nyi-1-a, array:raid1/raid1-spool */
  target: string
  text: string
  /** wall-clock ISO time and lab-clock ms when the condition began */
  since: string
  sinceLabMs: number
}

export interface AlertsChanged {
  /** every alert active now */
  alerts: Alert[]
  raised: Alert[]
  cleared: Alert[]
}

export interface HistoryPoint {
  /** wall-clock epoch ms and lab-clock ms of the sample */
  at: number
  labMs: number
  ok: boolean
  /** the numbers measured (lagSeconds, amps, ratedAmps, loadPct, rebuildPct…) */
  values: Record<string, number>
}

export interface HistorySeries {
  /** "db.replication@db2" for a probe, "circuit:nyi-1-a" or "array:raid1/raid1-spool" for hardware */
  key: string
  /** the probe id, or "circuit" / "array" */
  source: string
  target: string
  points: HistoryPoint[]
}

export interface MonitorInfo {
  /** false in one-shot runtimes and with RACKLAB_MONITOR=0: check then runs the probes itself */
  running: boolean
  alerts: Alert[]
}
