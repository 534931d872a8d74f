// Driving the test lab as a user does: the CLI for status, checks and actions, the contract for server control,
// and commands inside its servers. Shared by the tier tests.
import type { ProbeResult } from '@contract/status'
import { createDockerGateway } from '../../main/engine/docker/gateway'
import type { ExecResult } from '../../main/engine/docker/types'
import { containerName } from '../../main/engine/lab/naming'
import { countQueue } from '../../main/engine/probes/mail'
import { inSubnet, parseIp, parseSubnet } from '../../main/engine/topology/ipv4'
import { loadTopology } from '../../main/engine/topology/loader'
import { moveIp, ownSubnets } from '../../main/engine/topology/relocate'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { ScenarioReport } from '../../main/engine/scenarios/runner'
import { racklab, ROOT, TEST_LAB, until } from './helpers'

const gw = createDockerGateway()

export const exec = (server: string, cmd: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> =>
  gw.exec(containerName(TEST_LAB, server), cmd, { timeoutMs: 90_000, ...opts })

/** exec that must succeed; returns stdout */
export async function run(server: string, cmd: string[], stdin?: string): Promise<string> {
  const r = await exec(server, cmd, stdin === undefined ? {} : { stdin })
  if (r.exitCode !== 0) throw new Error(`${server}: ${cmd.join(' ')} exited ${r.exitCode}: ${r.stderr || r.stdout}`)
  return r.stdout
}

/** one SQL statement on a database server as root, tab-separated rows without headers */
export async function sql(server: string, query: string): Promise<string> {
  const r = await exec(server, ['mariadb', '-N', '-B', 'racklab', '-e', query], { timeoutMs: 15_000 })
  if (r.exitCode !== 0) throw new Error(`${server}: ${r.stderr}`)
  return r.stdout.trim()
}

// --fresh: the probes run now, after whatever the test just did (without it, check answers from the monitor's latest)
export const check = async (): Promise<ProbeResult[]> => (JSON.parse((await racklab(['check', '--fresh', '--json'])).stdout) as { results: ProbeResult[] }).results

export async function control(server: string, op: 'start' | 'stop'): Promise<void> {
  const { dispatchOnce } = await import('./dispatch-once')
  const r = await dispatchOnce('server.control', { server, op })
  if (!r.ok) throw new Error(`${op} ${server}: ${JSON.stringify(r)}`)
}

export const healthy = (server: string): Promise<true> =>
  until(`${server} healthy`, async () => {
    const s = JSON.parse((await racklab(['status', '--json'])).stdout) as { servers: { id: string; health: string }[] }
    return s.servers.find((x) => x.id === server)?.health === 'healthy' || undefined
  }, 120_000, 1000)

/** an MX's queue with each deferred recipient's reason */
export async function queue(mx = 'mx1'): Promise<ReturnType<typeof countQueue> & { reasons: string[] }> {
  const out = await run(mx, ['postqueue', '-j'])
  // deferred entries only: a message in the active or incoming queue (the monitor's own test mail, say) has no
  // reason yet
  const reasons = out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { queue_name?: string; recipients: { delay_reason?: string }[] })
    .filter((e) => e.queue_name === 'deferred')
    .flatMap((e) => e.recipients.map((r) => r.delay_reason ?? ''))
  return { ...countQueue(out), reasons }
}

/** `racklab scenario run` of a shipped scenario, its steps printed for the test log; exit code and report */
export async function runShippedScenario(name: string): Promise<{ code: number | null; report: ScenarioReport }> {
  const r = await racklab(['scenario', 'run', join(ROOT, `resources/scenarios/${name}.yaml`), '--json'])
  const report = JSON.parse(r.stdout) as ScenarioReport
  console.log(report.steps.map((s) => `${s.ok === null ? '–' : s.ok ? '✓' : '✗'} ${s.section} ${s.n}. ${s.text} (${s.ms} ms)${s.detail ? ` — ${s.detail.slice(0, 200)}` : ''}`).join('\n'))
  return { code: r.code, report }
}

/** the failed steps of a run, for an assertion's message: CI shows the failure, not the scenario's stdout */
export const failedSteps = (r: ScenarioReport): string =>
  r.steps.filter((s) => s.ok === false).map((s) => `${s.section} ${s.n}. ${s.text} — ${s.detail ?? 'no detail'}`).join('\n') || 'no step failed'

/** inside a describe: a fresh lab of only these servers for the file (its volumes gone first), taken down after */
export function freshLabOf(only: string[]): void {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    const up = await racklab(['up', '--only', only.join(',')])
    if (up.code !== 0) throw new Error(`racklab up failed (${up.code}): ${up.stderr.slice(-1500)}`)
  }, 1_800_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)
}

/** The test lab's address for an address of the topology (10.231.N.H). Tests name servers by the topology's
 *  addresses; a lab that came up while another lab held those subnets was relocated and keeps every host part
 *  (issue 12), so the lab's own subnets are asked once from `racklab status --json` and each address is moved as
 *  the engine moves it (topology/relocate.ts moveIp), and such a file passes on a relocated lab too. Throws for an
 *  address outside the topology's subnets. */
export async function labAddresses(): Promise<(topologyIp: string) => string> {
  const st = JSON.parse((await racklab(['status', '--json'])).stdout) as { subnets?: Record<string, string> }
  const own = ownSubnets((await loadTopology()).topology)
  return (ip) => {
    const n = parseIp(ip)
    const net = Object.keys(own).find((id) => {
      const sub = parseSubnet(own[id]!)
      return n !== undefined && typeof sub !== 'string' && inSubnet(n, sub)
    })
    const to = net && st.subnets?.[net]
    if (!net || !to) throw new Error(`${ip} is not in a subnet of the topology that the lab has (${JSON.stringify(st.subnets)})`)
    return moveIp(ip, own[net]!, to)
  }
}
