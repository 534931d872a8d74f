// A docker-compose file equivalent to a lab's containers: the same specs the engine creates (plan.ts →
// toCreateOptions), written for docker-compose 1.29 (file format 2.4, which has cpus, mem_limit, init and
// stop_grace_period), in YAML 1.1 as docker-compose's PyYAML reads it (so "no" stays a string). Pure: the caller gives the specs, this only writes them down.
import { stringify } from 'yaml'
import type { ContainerSpec, NetworkSpec, VolumeSpec } from '../docker/types'
import { DEFAULT_PIDS_LIMIT, PUBLISH_HOST_IP } from '../docker/container-spec'

/** Under docker compose no engine checks a server right after its start (lab/boot-health.ts), so Docker's own check is
 *  the only way to see it healthy: it keeps 15 s there, not the lab's steady 60 s (lab/plan.ts STEADY_HEALTHCHECK). */
const COMPOSE_HEALTH_INTERVAL_S = 15

export interface ComposeInput {
  labId: string
  networks: NetworkSpec[]
  volumes: VolumeSpec[]
  containers: ContainerSpec[]
}

type Service = Record<string, unknown>

/** compose's own key for a Docker object: the Docker name is kept with `name:`, so the key only has to be unique */
const key = (labId: string, dockerName: string): string => dockerName.replace(`racklab-${labId}-`, '')

function service(labId: string, c: ContainerSpec): Service {
  const s: Service = {
    image: c.image,
    container_name: c.name,
    hostname: c.hostname,
    init: true,
    restart: 'no',
    labels: c.labels,
    environment: c.env,
  }
  if (c.networks.length === 0) s.network_mode = 'none'
  else s.networks = Object.fromEntries(c.networks.map((n) => [key(labId, n.name), { ipv4_address: n.ip, ...(n.aliases?.length ? { aliases: n.aliases } : {}) }]))
  const vols = Object.entries(c.volumes).map(([name, path]) => `${key(labId, name)}:${path}`)
  if (vols.length) s.volumes = vols
  if (c.tmpfs?.length) s.tmpfs = c.tmpfs
  const ports = Object.entries(c.publish ?? {}).map(([port, host]) => {
    const [num, proto] = port.split('/')
    return `${PUBLISH_HOST_IP}:${host > 0 ? String(host) : ''}:${num}${proto && proto !== 'tcp' ? `/${proto}` : ''}`
  })
  if (ports.length) s.ports = ports
  // as toCreateOptions: every capability dropped, some added back, no-new-privileges, a PID limit
  s.cap_drop = ['ALL']
  if (c.capAdd?.length) s.cap_add = c.capAdd
  s.security_opt = ['no-new-privileges:true']
  s.pids_limit = c.pidsLimit ?? DEFAULT_PIDS_LIMIT
  if (c.dns?.length) s.dns = c.dns
  if (c.cmd) s.command = c.cmd
  if (c.stopTimeout !== undefined) s.stop_grace_period = `${c.stopTimeout}s`
  if (c.healthcheck) {
    const h = c.healthcheck
    s.healthcheck = { interval: `${Math.min(h.intervalSeconds, COMPOSE_HEALTH_INTERVAL_S)}s`, retries: h.retries, ...(h.timeoutSeconds ? { timeout: `${h.timeoutSeconds}s` } : {}) }
  }
  if (c.nanoCpus) s.cpus = c.nanoCpus / 1e9
  if (c.memoryBytes) s.mem_limit = c.memoryBytes
  return s
}

export function composeDocument(i: ComposeInput): Record<string, unknown> {
  return {
    version: '2.4',
    services: Object.fromEntries(i.containers.map((c) => [c.hostname, service(i.labId, c)])),
    networks: Object.fromEntries(
      i.networks.map((n) => [key(i.labId, n.name), { name: n.name, internal: n.internal, labels: n.labels, ipam: { driver: 'default', config: [{ subnet: n.subnet }] } }]),
    ),
    volumes: Object.fromEntries(i.volumes.map((v) => [key(i.labId, v.name), { name: v.name, labels: v.labels }])),
  }
}

export function composeYaml(i: ComposeInput, header: string[]): string {
  return `${header.map((l) => `# ${l}`.trimEnd()).join('\n')}\n${stringify(composeDocument(i), { lineWidth: 0, version: '1.1' })}`
}
