// The netfault sidecar: one container per faulted server, from racklab/netfault, in that server's network
// namespace (NetworkMode container:<id>) with CAP_NET_ADMIN, so iptables, tc and the delay proxy act on the
// server's own interfaces without changing its image or granting the server itself anything. It is labelled
// with the server container it joined and when that one started: a server restarted since has a new
// namespace, and its old sidecar is stale (what was applied went with the old namespace).
import { LabError } from '@contract/errors'
import type { ContainerInfo, DockerGateway, ExecResult } from '../docker/types'
import { LABEL_LAB } from '../docker/types'
import { dockerName } from '../topology/queries'
import { parseDetect, type Mechanisms } from './mechanisms'

/** every container drops ALL capabilities (toCreateOptions); the sidecar takes back what its work needs:
 *  NET_ADMIN (iptables, tc, ss -K), NET_RAW (iptables-legacy's raw socket), SETUID/SETGID (the delay proxy runs
 *  as its own uid, which the REDIRECT exempts), KILL (stopping that proxy from root) */
const SIDECAR_CAPS = ['NET_ADMIN', 'NET_RAW', 'SETUID', 'SETGID', 'KILL']
/** sleep, a delay proxy per fault (one process, select loop) and the engine's execs of iptables/tc/ss */
const SIDECAR_PIDS = 64

export const LABEL_NETFAULT = 'racklab.netfault'
export const LABEL_NETFAULT_OF = 'racklab.netfault-of'

export interface SidecarDeps {
  gateway: DockerGateway
  labId: string
  /** the netfault image's tag, or undefined when lab-images/netfault is missing */
  image(): string | undefined
}

const joinedId = (c: ContainerInfo): string => `${c.id}@${c.startedAt ?? ''}`

export class NetfaultSidecars {
  private detected: Promise<Mechanisms> | undefined
  private detectedFailedAt = 0

  constructor(private readonly d: SidecarDeps) {}

  private name(server: string): string {
    return dockerName(this.d.labId, 'container', `${server}-netfault`)
  }

  /** the image, built; REFUSED with what to do when it is not */
  private async image(): Promise<string> {
    const tag = this.d.image()
    if (!tag) throw new LabError('REFUSED', 'lab-images/netfault is missing from this installation')
    if (!(await this.d.gateway.imageExists(tag))) throw new LabError('REFUSED', `the network-fault helper image ${tag} is not built yet (racklab up builds it)`)
    return tag
  }

  /** What this Docker host allows, found once by a throwaway container (lo only, CAP_NET_ADMIN). A failure
   *  to run the detection at all is retried after 15 s rather than remembered. */
  mechanisms(): Promise<Mechanisms> {
    if (this.detected && !(this.detectedFailedAt && Date.now() - this.detectedFailedAt > 15_000)) return this.detected
    this.detectedFailedAt = 0
    this.detected = this.detect().catch((e: unknown) => {
      this.detectedFailedAt = Date.now()
      throw e
    })
    return this.detected
  }

  private async detect(): Promise<Mechanisms> {
    const gw = this.d.gateway
    const image = await this.image()
    const name = dockerName(this.d.labId, 'container', 'netfault-detect')
    const old = await gw.inspectContainer(name)
    if (old) await gw.removeContainer(old.id)
    const id = await gw.createContainer({ name, image, hostname: 'netfault-detect', labels: { [LABEL_LAB]: this.d.labId, [LABEL_NETFAULT]: 'detect' }, env: {}, networks: [], volumes: {}, capAdd: SIDECAR_CAPS, pidsLimit: SIDECAR_PIDS, networkMode: 'none' })
    try {
      await gw.startContainer(id)
      const r = await gw.exec(id, ['racklab-netfault-detect'], { timeoutMs: 20_000 })
      if (r.exitCode !== 0) throw new LabError('ENGINE_ERROR', `racklab-netfault-detect exited with ${r.exitCode}: ${r.stderr.trim()}`)
      return parseDetect(r.stdout)
    } finally {
      await gw.removeContainer(id).catch(() => undefined)
    }
  }

  /** the sidecar in the server container's current namespace, made (or remade) when needed */
  async ensure(server: string, target: ContainerInfo): Promise<string> {
    const gw = this.d.gateway
    const name = this.name(server)
    const cur = await gw.inspectContainer(name)
    if (cur?.running && cur.labels[LABEL_NETFAULT_OF] === joinedId(target)) return cur.id
    if (cur) await gw.removeContainer(cur.id)
    const id = await gw.createContainer({
      name,
      image: await this.image(),
      hostname: name,
      labels: { [LABEL_LAB]: this.d.labId, [LABEL_NETFAULT]: server, [LABEL_NETFAULT_OF]: joinedId(target) },
      env: {},
      networks: [],
      volumes: {},
      capAdd: SIDECAR_CAPS,
      pidsLimit: SIDECAR_PIDS,
      networkMode: `container:${target.id}`,
      stopTimeout: 2,
    })
    await gw.startContainer(id)
    return id
  }

  /** whether the server's sidecar exists, runs and sits in the server container's current namespace */
  async current(server: string, target: ContainerInfo | undefined): Promise<boolean> {
    if (!target?.running) return false
    const cur = await this.d.gateway.inspectContainer(this.name(server))
    return !!cur?.running && cur.labels[LABEL_NETFAULT_OF] === joinedId(target)
  }

  /** a script in the server's namespace, as root; a non-zero exit is an error carrying the script's stderr */
  async run(server: string, target: ContainerInfo, script: string): Promise<ExecResult> {
    const id = await this.ensure(server, target)
    const r = await this.d.gateway.exec(id, ['sh', '-c', script], { timeoutMs: 30_000 })
    if (r.exitCode !== 0) throw new LabError('ENGINE_ERROR', `in ${server}'s network namespace: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join('; ') || `exit ${r.exitCode}`}`)
    return r
  }
}
