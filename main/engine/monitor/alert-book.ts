// Active alerts: raised when a rule fires (after its hold time, in lab time), cleared when it stops firing.
import type { Alert, AlertsChanged } from '@contract/monitor'
import type { AlertRule, Firing } from './alert-rules'

export interface RuleFirings {
  rule: AlertRule
  firings: Firing[]
  /** lab ms the condition must hold before the alert is raised */
  forLabMs: number
}

export const alertId = (rule: string, f: Pick<Firing, 'target' | 'key'>): string => `${rule}${f.key ? `:${f.key}` : ''}@${f.target}`

export class AlertBook {
  private readonly active = new Map<string, Alert>()
  /** conditions seen but not held long enough yet: id → since */
  private readonly pending = new Map<string, { at: number; labMs: number }>()

  list(): Alert[] {
    return [...this.active.values()].sort((a, b) => (a.severity === b.severity ? a.sinceLabMs - b.sinceLabMs : a.severity === 'critical' ? -1 : 1))
  }

  /** one evaluation of every rule; returns what changed (texts of standing alerts follow silently) */
  update(all: readonly RuleFirings[], now: number, labMs: number): AlertsChanged {
    const raised: Alert[] = []
    const seen = new Set<string>()
    for (const { rule, firings, forLabMs } of all)
      for (const f of firings) {
        const id = alertId(rule.id, f)
        if (seen.has(id)) continue
        seen.add(id)
        const standing = this.active.get(id)
        if (standing) {
          standing.text = f.text
          continue
        }
        let since = this.pending.get(id)
        if (!since) this.pending.set(id, (since = { at: now, labMs }))
        if (labMs - since.labMs < forLabMs) continue
        this.pending.delete(id)
        const a: Alert = { id, rule: rule.id, severity: rule.severity, target: f.target, text: f.text, since: new Date(since.at).toISOString(), sinceLabMs: since.labMs }
        this.active.set(id, a)
        raised.push(a)
      }
    for (const id of this.pending.keys()) if (!seen.has(id)) this.pending.delete(id)
    const cleared: Alert[] = []
    for (const [id, a] of this.active)
      if (!seen.has(id)) {
        this.active.delete(id)
        cleared.push(a)
      }
    return { alerts: this.list(), raised, cleared }
  }
}
