// status, endpoints, logs, exec: read the lab or run one thing in it.
import { engineErrorCode, LabError } from '@contract/lab-error'
import { EXIT_CANNOT_RUN, EXIT_FAIL, EXIT_OK, printJson, say, table } from '../output'
import { call, need, linkFor, type CliArgs } from './context'
import { poolLine } from './pool-lines'
import type { LabLink } from '../lab-link'
import type { DockerGateway } from '../../engine/docker/types'
import { containerName } from '../../engine/lab/naming'

export async function status(a: CliArgs): Promise<number> {
  const link = await linkFor(a)
  try {
    const s = await call(link, 'lab.status')
    if (a.json) printJson(s)
    else {
      process.stdout.write(`lab ${s.labId} (topology ${s.topology}) — Docker: ${s.engine.message}\n\n`)
      const rows = [['SERVER', 'ROLE', 'RACK', 'STATE', 'HEALTH', 'DETAIL']]
      for (const x of s.servers) rows.push([x.id, x.role, x.rack, x.state, x.health, x.detail ?? ''])
      process.stdout.write(table(rows) + '\n')
      for (const p of s.hardware?.pools ?? []) process.stdout.write(poolLine(p) + '\n')
    }
    return s.engine.state === 'connected' ? EXIT_OK : EXIT_CANNOT_RUN
  } finally {
    link.close()
  }
}

export async function endpoints(a: CliArgs): Promise<number> {
  const link = await linkFor(a)
  try {
    await requireDocker(link)
    const list = await call(link, 'lab.endpoints')
    if (a.json) printJson(list)
    else if (!list.length) say('no endpoints: the lab is not up (racklab up)')
    else process.stdout.write(table([['SERVICE', 'ADDRESS', 'SERVER'], ...list.map((e) => [e.service, `${e.host}:${e.port}`, e.server])]) + '\n')
    return EXIT_OK
  } finally {
    link.close()
  }
}

export async function logs(a: CliArgs): Promise<number> {
  const server = need(a, 0, 'SERVER (e.g. racklab logs db1)')
  const link = await linkFor(a)
  try {
    const tail = a.tail ? Number(a.tail) : 200
    if (!Number.isInteger(tail) || tail <= 0) throw new LabError('BAD_INPUT', `--tail must be a positive integer, got "${a.tail}"`)
    const { text } = await call(link, 'server.logs', { server, tail })
    process.stdout.write(text.endsWith('\n') || !text ? text : text + '\n')
    if (!a.follow) return EXIT_OK
    const stop = await (await labGateway(link)).followLogs(containerName(link.labId, server), (line) => process.stdout.write(line + '\n'))
    await new Promise<void>((r) => process.once('SIGINT', () => r()))
    stop()
    return EXIT_OK
  } finally {
    link.close()
  }
}

/** the Docker engine the lab lives on (a registered one, or this environment's) */
async function labGateway(link: LabLink): Promise<DockerGateway> {
  return link.gateway ? link.gateway() : (await import('../../engine/docker/gateway')).createDockerGateway()
}

export async function exec(a: CliArgs): Promise<number> {
  const server = need(a, 0, 'SERVER (e.g. racklab exec db1 -- hostname)')
  if (!a.rest.length) throw new LabError('BAD_INPUT', 'missing command after "--" (e.g. racklab exec db1 -- hostname)')
  const link = await linkFor(a)
  try {
    await requireDocker(link)
    const s = (await call(link, 'lab.status')).servers.find((x) => x.id === server)
    if (!s) throw new LabError('NOT_FOUND', `no server "${server}" in lab ${link.labId}`)
    if (s.state !== 'running') throw new LabError('REFUSED', `${server} is ${s.state}: exec needs a running server`)
    const r = await (await labGateway(link)).exec(containerName(link.labId, server), a.rest)
    process.stdout.write(r.stdout)
    process.stderr.write(r.stderr)
    return r.exitCode === 0 ? EXIT_OK : r.exitCode > 0 ? r.exitCode : EXIT_FAIL
  } finally {
    link.close()
  }
}

/** the lab's journal: every action (with its args), state change and probe result, oldest first */
export async function journal(a: CliArgs): Promise<number> {
  if (a.positionals[0] === 'export') return journalExport(a)
  if (a.positionals.length) throw new LabError('BAD_INPUT', `racklab journal: "${a.positionals[0]}" is not a subcommand (journal [--since SEQ], or journal export --since SEQ --as scenario)`)
  const since = a.since === undefined ? 0 : Number(a.since)
  if (!Number.isInteger(since) || since < 0) throw new LabError('BAD_INPUT', `--since must be a journal sequence number (0 or more), got "${a.since}"`)
  const link = await linkFor(a)
  try {
    const list = await call(link, 'journal.list', { since, limit: 5000 })
    if (a.json) printJson(list)
    else for (const e of list) process.stdout.write(`${e.seq}\t${e.at}\t${e.kind}\t${e.target ?? '-'}\t${e.text}\n`)
    return EXIT_OK
  } finally {
    link.close()
  }
}

/** the lab CA's certificate (PEM on stdout, so `racklab ca > racklab-ca.crt` saves it); --json adds its details */
export async function ca(a: CliArgs): Promise<number> {
  const link = await linkFor(a)
  try {
    const c = await call(link, 'lab.ca')
    if (a.json) printJson(c)
    else {
      process.stdout.write(c.pem)
      process.stderr.write(`${c.subject}\nSHA-256 ${c.sha256}, valid until ${c.notAfter}\nIt can only vouch for ${[...c.permits.dns.map((d) => `${d} (and names under it)`), ...c.permits.ip].join(', ')}.\n`)
    }
    return EXIT_OK
  } finally {
    link.close()
  }
}

/** the Docker engine's state as the lab engine sees it: an error (exit 2) when it can't be used */
export async function requireDocker(link: LabLink): Promise<void> {
  const e = await call(link, 'engine.status')
  if (e.state !== 'connected') throw new LabError(engineErrorCode(e.state), e.message)
}

const seqOption = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new LabError('BAD_INPUT', `--${name} must be a journal sequence number (0 or more), got "${v}"`)
  return n
}

/** racklab journal export --since SEQ [--until SEQ] --as scenario: a stretch of the journal as a replayable scenario on stdout */
async function journalExport(a: CliArgs): Promise<number> {
  if (a.as !== 'scenario') throw new LabError('BAD_INPUT', `racklab journal export needs --as scenario (the only form there is)${a.as ? `, got "${a.as}"` : ''}`)
  const since = seqOption('since', a.since)
  if (since === undefined) throw new LabError('BAD_INPUT', 'racklab journal export needs --since SEQ: where the stretch to export starts (racklab journal lists the numbers)')
  const until = seqOption('until', a.until)
  if (until !== undefined && until <= since) throw new LabError('BAD_INPUT', `--until ${until} must be after --since ${since}`)
  const link = await linkFor(a)
  try {
    // the engine does the export (journal.export), the same path as the window's Record / Stop recording
    if (until === undefined) say('racklab: the probes run again after the last action first, so the scenario expects the lab as it is now (up to a minute on a busy lab)')
    const out = await call(link, 'journal.export', { since, ...(until !== undefined ? { until } : {}), ...(a.name !== undefined ? { name: a.name } : {}) })
    process.stdout.write(out.yaml)
    return EXIT_OK
  } finally {
    link.close()
  }
}
