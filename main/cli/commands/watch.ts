// check and watch: the monitor's view of the lab. check answers at once from the monitor's latest results
// (--fresh runs every probe now); without a monitor (--no-engine) the probes run now, as before.
// watch streams alerts and state changes until Ctrl-C (NDJSON with --json), from the lab's engine service.
import type { Alert } from '@contract/monitor'
import type { JournalEntry, ProbeResult } from '@contract/status'
import { LabError } from '@contract/lab-error'
import { EXIT_CANNOT_RUN, EXIT_FAIL, EXIT_OK, printJson, say, table } from '../output'
import { call, linkFor, type CliArgs } from './context'
import { requireDocker } from './inspect'

const age = (r: ProbeResult): string => (r.ageMs === undefined ? 'now' : `${Math.round(r.ageMs / 1000)} s ago`)
const alertLine = (a: Alert): string => `${a.severity.toUpperCase()}  ${a.target}  ${a.text}  (since ${a.since})`

export async function check(a: CliArgs): Promise<number> {
  const link = await linkFor(a)
  try {
    await requireDocker(link)
    const results = await call(link, 'lab.check', { fresh: a.fresh })
    const { running, alerts } = await call(link, 'alerts.list')
    const ok = results.length > 0 && results.every((r) => r.ok)
    if (a.json) printJson({ ok, monitor: running, results, alerts })
    else if (!results.length) say('no probe ran: nothing of the lab is running (racklab up)')
    else {
      process.stdout.write(table([['PROBE', 'TARGET', 'RESULT', 'AGE', 'MESSAGE'], ...results.map((r) => [r.id, r.target, r.ok ? 'ok' : 'FAIL', age(r), r.message])]) + '\n')
      if (alerts.length) process.stdout.write(`\n${alerts.length} alert(s):\n${alerts.map(alertLine).join('\n')}\n`)
    }
    return results.length === 0 ? EXIT_CANNOT_RUN : ok ? EXIT_OK : EXIT_FAIL
  } finally {
    link.close()
  }
}

/** what watch prints of the journal: alerts come as their own lines */
const streamed = (e: JournalEntry): boolean => e.kind !== 'alert'

export async function watch(a: CliArgs): Promise<number> {
  // a local runtime (--no-engine) must watch (follow Docker, tick the clock) for its monitor to run
  const link = await linkFor(a, 'start', true)
  try {
    await requireDocker(link)
    const out = (doc: Record<string, unknown>, text: string): void => void (a.json ? process.stdout.write(JSON.stringify(doc) + '\n') : process.stdout.write(text + '\n'))
    const offAlerts = await link.on('alerts.changed', (c) => {
      for (const x of c.raised) out({ type: 'alert', change: 'raised', alert: x }, `ALERT  ${alertLine(x)}`)
      for (const x of c.cleared) out({ type: 'alert', change: 'cleared', alert: x }, `cleared  ${x.target}  ${x.text}`)
    })
    const offJournal = await link.on('journal.appended', (e) => {
      if (streamed(e)) out({ type: 'journal', entry: e }, `${e.at}  ${e.kind}  ${e.target ?? '-'}  ${e.text}`)
    })
    const { running, alerts } = await call(link, 'alerts.list')
    if (!running) throw new LabError('REFUSED', 'watch needs the monitor, and RACKLAB_MONITOR=0 turns it off')
    // the first line says the stream is live (a script acts after it), then the alerts already standing
    if (a.json) out({ type: 'watching', lab: link.labId, alerts: alerts.length }, '')
    else say(`watching lab ${link.labId} (Ctrl-C to stop)`)
    for (const x of alerts) out({ type: 'alert', change: 'active', alert: x }, `ALERT  ${alertLine(x)}`)
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    offAlerts()
    offJournal()
    return EXIT_OK
  } finally {
    link.close()
  }
}
