// Pure mapping from the topology to Docker specs: which networks, volumes and containers a lab has.
import type { ServerUnit, Topology } from '@contract/topology'
import { allServers, type PlacedServer } from '../topology/queries'
import { createHash } from 'node:crypto'
import { LABEL_SPEC, type ContainerSpec, type NetworkSpec, type VolumeSpec } from '../docker/types'
import { containerName, networkLabels, networkName, serverLabels, volumeLabels, volumeName } from './naming'
import { roles, type RoleContext, type RoleSpec } from '../roles/index'
import { capabilityNames, FIREWALL, SSHD } from '../roles/capabilities'
import type { LabSecrets } from './secrets'

export type { PlacedServer }

export function placeServers(t: Topology): Map<string, PlacedServer> {
  return new Map(allServers(t).map((p) => [p.server.id, p]))
}

export function networkSpecs(t: Topology, labId: string): NetworkSpec[] {
  return t.networks.map((n) => ({ name: networkName(labId, n.id), subnet: n.subnet, internal: n.internal, labels: networkLabels(labId, n.id) }))
}

/** IP of `other` as seen from `from`: its address on the first network they share */
export function ipFrom(servers: Map<string, PlacedServer>, from: string, other: string): string {
  const a = servers.get(from)?.server
  const b = servers.get(other)?.server
  if (!a || !b) throw new Error(`unknown server ${!a ? from : other}`)
  for (const nic of a.nics) {
    const peer = b.nics.find((n) => n.network === nic.network)
    if (peer) return peer.ip
  }
  throw new Error(`${from} and ${other} share no network`)
}

export function roleContext(t: Topology, servers: Map<string, PlacedServer>, id: string, secrets: LabSecrets, labId: string): RoleContext {
  const placed = servers.get(id)
  if (!placed) throw new Error(`unknown server ${id}`)
  const serversOf = (role: ServerUnit['role']): string[] => [...servers.values()].filter((p) => p.server.role === role).map((p) => p.server.id)
  return { topology: t, server: placed.server, secrets, labId, ipOf: (other) => ipFrom(servers, id, other), serversOf }
}

export function roleSpec(t: Topology, servers: Map<string, PlacedServer>, id: string, secrets: LabSecrets, labId: string): RoleSpec | undefined {
  const placed = servers.get(id)
  if (!placed) return undefined
  return roles[placed.server.role]?.spec(roleContext(t, servers, id, secrets, labId))
}

export function volumeSpecs(labId: string, server: string, spec: RoleSpec): VolumeSpec[] {
  return Object.keys(spec.volumes).map((purpose) => ({ name: volumeName(labId, server, purpose), labels: volumeLabels(labId, server, purpose) }))
}

/** Docker's own health check, once a server is up: every 60 s, unhealthy after 2 failures (2 min). The images say
 *  2 s, which an idle whole site paid in execs (~25 % of a core); at 15 s the checks were still half the execs of an
 *  idle lab (72 a minute). A failing daemon is the monitor's to see first (its probes, every 5–20 s); this check is
 *  the long-interval backstop of a server's health. The engine checks each start itself every second
 *  (lab/boot-health.ts), so `up` and a reboot do not wait for Docker's first check.
 *  Each run may take 30 s, not the images' 4–10 s: those bound a boot-time poll; as the steady check, on a host at
 *  load ~40 (other labs booting), the MX's check (a dozen forks) took over 8 s every time, so both MXs stayed
 *  "unhealthy" with every daemon answering. A check that needs 30 s is a sick server, not a busy host. */
export const STEADY_HEALTHCHECK = { intervalSeconds: 60, retries: 2, timeoutSeconds: 30 } as const

/** The hash of a container's settings, kept in its LABEL_SPEC label. The image is compared on its own
 *  (ensure-server.ts: a new image that is not built yet keeps the old container). Key order is the code's, so a
 *  new racklab version that only reorders them makes each container anew once. */
const specDigest = (c: Omit<ContainerSpec, 'labels' | 'image'>): string => createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 16)

export function containerSpec(labId: string, placed: PlacedServer, spec: RoleSpec, image: string, domain: string): ContainerSpec {
  const s = settings(labId, placed, spec, domain)
  return { ...s, image, labels: { ...serverLabels(labId, placed.server.id, placed.server.role), [LABEL_SPEC]: specDigest(s) } }
}

function settings(labId: string, placed: PlacedServer, spec: RoleSpec, domain: string): Omit<ContainerSpec, 'labels' | 'image'> {
  const s = placed.server
  const volumes: Record<string, string> = {}
  for (const [purpose, path] of Object.entries(spec.volumes)) volumes[volumeName(labId, s.id, purpose)] = path
  const publish: Record<string, number> = {}
  for (const port of Object.keys(spec.publish ?? {})) publish[port] = 0
  for (const port of spec.fixedPorts ?? []) publish[`${port}/tcp`] = port
  return {
    name: containerName(labId, s.id),
    hostname: s.id,
    env: { LAB_ID: labId, LAB_DOMAIN: domain, SERVER: s.id, ROLE: s.role, ...spec.env },
    networks: s.nics.map((n) => ({ name: networkName(labId, n.network), ip: n.ip, aliases: [s.id, `${s.id}.${domain}`] })),
    volumes,
    ...(spec.tmpfs ? { tmpfs: spec.tmpfs } : {}),
    publish,
    capAdd: capabilityNames({ ...spec.capabilities, ...FIREWALL, ...SSHD }),
    pidsLimit: spec.pidsLimit,
    ...(spec.dns ? { dns: spec.dns } : {}),
    stopTimeout: spec.stopTimeout ?? 10,
    healthcheck: STEADY_HEALTHCHECK,
  }
}
