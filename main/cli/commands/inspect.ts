// status, endpoints, check, logs, exec: read the lab or run one thing in it.
import { LabError } from '@contract/errors'
import { EXIT_CANNOT_RUN, EXIT_FAIL, EXIT_OK, printJson, say, table } from '../output'
import { call, need, runtimeFor, type CliArgs } from './context'
import { containerName } from '../../engine/lab/naming'

export async function status(a: CliArgs): Promise<number> {
  const rt = await runtimeFor(a)
  try {
    const s = await call(rt, 'lab.status')
    if (a.json) printJson(s)
    else {
      process.stdout.write(`lab ${s.labId} (topology ${s.topology}) — Docker: ${s.engine.message}\n\n`)
      const rows = [['SERVER', 'ROLE', 'RACK', 'STATE', 'HEALTH', 'DETAIL']]
      for (const x of s.servers) rows.push([x.id, x.role, x.rack, x.state, x.health, x.detail ?? ''])
      process.stdout.write(table(rows) + '\n')
    }
    return s.engine.state === 'connected' ? EXIT_OK : EXIT_CANNOT_RUN
  } finally {
    rt.close()
  }
}

export async function endpoints(a: CliArgs): Promise<number> {
  const rt = await runtimeFor(a)
  try {
    rt.lab.requireEngine()
    const list = await call(rt, 'lab.endpoints')
    if (a.json) printJson(list)
    else if (!list.length) say('no endpoints: the lab is not up (racklab up)')
    else process.stdout.write(table([['SERVICE', 'ADDRESS', 'SERVER'], ...list.map((e) => [e.service, `${e.host}:${e.port}`, e.server])]) + '\n')
    return EXIT_OK
  } finally {
    rt.close()
  }
}

export async function check(a: CliArgs): Promise<number> {
  const rt = await runtimeFor(a)
  try {
    rt.lab.requireEngine()
    const results = await call(rt, 'lab.check')
    const ok = results.length > 0 && results.every((r) => r.ok)
    if (a.json) printJson({ ok, results })
    else if (!results.length) say('no probe ran: nothing of the lab is running (racklab up)')
    else process.stdout.write(table([['PROBE', 'TARGET', 'RESULT', 'MESSAGE'], ...results.map((r) => [r.id, r.target, r.ok ? 'ok' : 'FAIL', r.message])]) + '\n')
    return results.length === 0 ? EXIT_CANNOT_RUN : ok ? EXIT_OK : EXIT_FAIL
  } finally {
    rt.close()
  }
}

export async function logs(a: CliArgs): Promise<number> {
  const server = need(a, 0, 'SERVER (e.g. racklab logs db1)')
  const rt = await runtimeFor(a)
  try {
    const tail = a.tail ? Number(a.tail) : 200
    if (!Number.isInteger(tail) || tail <= 0) throw new LabError('BAD_INPUT', `--tail must be a positive integer, got "${a.tail}"`)
    const { text } = await call(rt, 'server.logs', { server, tail })
    process.stdout.write(text.endsWith('\n') || !text ? text : text + '\n')
    if (!a.follow) return EXIT_OK
    const c = rt.lab.container(server)!
    const stop = await rt.lab.gateway.followLogs(c.id, (line) => process.stdout.write(line + '\n'))
    await new Promise<void>((r) => process.once('SIGINT', () => r()))
    stop()
    return EXIT_OK
  } finally {
    rt.close()
  }
}

export async function exec(a: CliArgs): Promise<number> {
  const server = need(a, 0, 'SERVER (e.g. racklab exec db1 -- hostname)')
  if (!a.rest.length) throw new LabError('BAD_INPUT', 'missing command after "--" (e.g. racklab exec db1 -- hostname)')
  const rt = await runtimeFor(a)
  try {
    rt.lab.requireEngine()
    const s = rt.lab.serverStatus(server)
    if (s.state !== 'running') throw new LabError('REFUSED', `${server} is ${s.state}: exec needs a running server`)
    const r = await rt.lab.gateway.exec(containerName(rt.lab.labId, server), a.rest)
    process.stdout.write(r.stdout)
    process.stderr.write(r.stderr)
    return r.exitCode === 0 ? EXIT_OK : r.exitCode > 0 ? r.exitCode : EXIT_FAIL
  } finally {
    rt.close()
  }
}

/** the lab's journal: every action (with its args), state change and probe result, oldest first */
export async function journal(a: CliArgs): Promise<number> {
  const since = a.since === undefined ? 0 : Number(a.since)
  if (!Number.isInteger(since) || since < 0) throw new LabError('BAD_INPUT', `--since must be a journal sequence number (0 or more), got "${a.since}"`)
  const rt = await runtimeFor(a)
  try {
    const list = await call(rt, 'journal.list', { since, limit: 5000 })
    if (a.json) printJson(list)
    else for (const e of list) process.stdout.write(`${e.seq}\t${e.at}\t${e.kind}\t${e.target ?? '-'}\t${e.text}\n`)
    return EXIT_OK
  } finally {
    rt.close()
  }
}

/** the lab CA's certificate (PEM on stdout, so `racklab ca > racklab-ca.crt` saves it); --json adds its details */
export async function ca(a: CliArgs): Promise<number> {
  const rt = await runtimeFor(a)
  try {
    const c = await call(rt, 'lab.ca')
    if (a.json) printJson(c)
    else {
      process.stdout.write(c.pem)
      process.stderr.write(`${c.subject}\nSHA-256 ${c.sha256}, valid until ${c.notAfter}\nIt can only vouch for ${[...c.permits.dns.map((d) => `${d} (and names under it)`), ...c.permits.ip].join(', ')}.\n`)
    }
    return EXIT_OK
  } finally {
    rt.close()
  }
}
