// racklab engine status|stop|logs: the lab's engine service (one process per lab that keeps its clock,
// binding, ledger, journal and monitor running).
import { LabError } from '@contract/lab-error'
import { serviceFiles } from '../../engine/service/files'
import { findEngine, logTail, stopEngine } from '../../engine/service/ensure'
import { engineTarget, labDocker, labId } from '../lab-link'
import { EXIT_FAIL, EXIT_OK, printJson, say } from '../output'
import { need, type CliArgs } from './context'

export async function engine(a: CliArgs): Promise<number> {
  const verb = need(a, 0, 'status, stop or logs')
  const lab = await labId(a.topology)
  const t = engineTarget(lab, a.topology, await labDocker(lab, { dockerEngine: a.engine }))
  const files = serviceFiles(t.stateDir, lab)
  if (verb === 'logs') {
    const n = a.tail ? Number(a.tail) : 50
    if (!Number.isInteger(n) || n <= 0) throw new LabError('BAD_INPUT', `--tail must be a positive integer, got "${a.tail}"`)
    process.stdout.write(logTail(files.log, n) + '\n')
    return EXIT_OK
  }
  if (verb !== 'status' && verb !== 'stop') throw new LabError('BAD_INPUT', `racklab engine: "${verb}" is not status, stop or logs`)
  const found = await findEngine(t)
  if (verb === 'stop') {
    if (!found) {
      if (a.json) printJson({ ok: true, running: false })
      else say(`lab ${lab}: no engine service runs`)
      return EXIT_OK
    }
    await stopEngine(t, found.conn, found.lock.pid)
    if (a.json) printJson({ ok: true, running: false, stopped: found.lock.pid })
    else say(`lab ${lab}: engine service (pid ${found.lock.pid}) stopped; the lab's containers keep running`)
    return EXIT_OK
  }
  if (!found) {
    if (a.json) printJson({ running: false, labId: lab, log: files.log })
    else say(`lab ${lab}: no engine service runs (racklab up or any racklab command starts it)`)
    return EXIT_FAIL
  }
  const info = await found.conn.svc('info')
  found.conn.close()
  const value = info.ok ? (info.value as Record<string, unknown>) : {}
  if (a.json) printJson({ running: true, ...value, log: files.log })
  else {
    const rows = Object.entries({ ...value, log: files.log }).map(([k, v]) => `${k.padEnd(10)} ${String(v)}`)
    process.stdout.write(`lab ${lab}: engine service running\n${rows.join('\n')}\n`)
  }
  return EXIT_OK
}
