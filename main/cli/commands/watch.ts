// check and watch: the monitor's view of the lab. check answers at once from the monitor's latest results
// (--fresh runs every probe now); a one-shot runtime has no monitor and runs them now, as before.
// watch streams alerts and state changes until Ctrl-C (NDJSON with --json).
import type { Alert } from '@contract/monitor'
import type { JournalEntry, ProbeResult } from '@contract/status'
import { LabError } from '@contract/errors'
import { EXIT_CANNOT_RUN, EXIT_FAIL, EXIT_OK, printJson, say, table } from '../output'
import { call, runtimeFor, type CliArgs } from './context'

const age = (r: ProbeResult): string => (r.ageMs === undefined ? 'now' : `${Math.round(r.ageMs / 1000)} s ago`)
const alertLine = (a: Alert): string => `${a.severity.toUpperCase()}  ${a.target}  ${a.text}  (since ${a.since})`

export async function check(a: CliArgs): Promise<number> {
  const rt = await runtimeFor(a)
  try {
    rt.lab.requireEngine()
    const results = await call(rt, 'lab.check', { fresh: a.fresh })
    const { running, alerts } = await call(rt, 'alerts.list')
    const ok = results.length > 0 && results.every((r) => r.ok)
    if (a.json) printJson({ ok, monitor: running, results, alerts })
    else if (!results.length) say('no probe ran: nothing of the lab is running (racklab up)')
    else {
      process.stdout.write(table([['PROBE', 'TARGET', 'RESULT', 'AGE', 'MESSAGE'], ...results.map((r) => [r.id, r.target, r.ok ? 'ok' : 'FAIL', age(r), r.message])]) + '\n')
      if (alerts.length) process.stdout.write(`\n${alerts.length} alert(s):\n${alerts.map(alertLine).join('\n')}\n`)
    }
    return results.length === 0 ? EXIT_CANNOT_RUN : ok ? EXIT_OK : EXIT_FAIL
  } finally {
    rt.close()
  }
}

/** what watch prints of the journal: alerts come as their own lines */
const streamed = (e: JournalEntry): boolean => e.kind !== 'alert'

export async function watch(a: CliArgs): Promise<number> {
  const rt = await runtimeFor(a, true)
  try {
    if (!rt.monitor) throw new LabError('REFUSED', 'watch needs the monitor, and RACKLAB_MONITOR=0 turns it off')
    rt.lab.requireEngine()
    const out = (doc: Record<string, unknown>, text: string): void => void (a.json ? process.stdout.write(JSON.stringify(doc) + '\n') : process.stdout.write(text + '\n'))
    const { alerts } = await call(rt, 'alerts.list')
    for (const x of alerts) out({ type: 'alert', change: 'active', alert: x }, `ALERT  ${alertLine(x)}`)
    if (!a.json) say(`watching lab ${rt.lab.labId} (Ctrl-C to stop)`)
    const offAlerts = rt.bus.on('alerts.changed', (c) => {
      for (const x of c.raised) out({ type: 'alert', change: 'raised', alert: x }, `ALERT  ${alertLine(x)}`)
      for (const x of c.cleared) out({ type: 'alert', change: 'cleared', alert: x }, `cleared  ${x.target}  ${x.text}`)
    })
    const offJournal = rt.bus.on('journal.appended', (e) => {
      if (streamed(e)) out({ type: 'journal', entry: e }, `${e.at}  ${e.kind}  ${e.target ?? '-'}  ${e.text}`)
    })
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    offAlerts()
    offJournal()
    return EXIT_OK
  } finally {
    rt.close()
  }
}
