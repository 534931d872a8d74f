// The compose file of one lab, from what the engine itself would create: its real (possibly relocated)
// subnets, the image tags of this build, every role's volumes, env and capabilities.
import type { LabBasics, LifecycleContext } from '../lab/lab-context'
import { containerSpec, networkSpecs, volumeSpecs } from '../lab/plan'
import { composeYaml, type ComposeInput } from './compose'

export type ComposeSource = LabBasics & Pick<LifecycleContext, 'images' | 'roleSpecOf'>

export function labComposeInput(lab: ComposeSource): { input: ComposeInput; skipped: string[] } {
  const input: ComposeInput = { labId: lab.labId, networks: networkSpecs(lab.relocated, lab.labId), volumes: [], containers: [] }
  const skipped: string[] = []
  for (const placed of lab.servers.values()) {
    const id = placed.server.id
    const spec = lab.roleSpecOf(id)
    const image = lab.images.role(placed.server.role)
    if (!spec || !image) {
      skipped.push(`${id} (role ${placed.server.role} has no image in this build)`)
      continue
    }
    input.volumes.push(...volumeSpecs(lab.labId, id, spec))
    input.containers.push(containerSpec(lab.labId, placed, spec, image.tag, lab.relocated.domain))
  }
  return { input, skipped }
}

export function labComposeFile(lab: ComposeSource): { yaml: string; skipped: string[] } {
  const { input, skipped } = labComposeInput(lab)
  const header = [
    `docker-compose file of Racklab lab ${lab.labId} (topology ${lab.topology.name}), written by \`racklab export compose\`.`,
    'The same images, networks and subnets, addresses, volumes, env, capabilities and ports (127.0.0.1 only) as',
    'the containers racklab creates; health checks come with the images. Use it with docker-compose 1.29+:',
    `  docker-compose -p racklab-${lab.labId} -f FILE up -d`,
    'What it does not do: build the images (run `racklab up` once, or build lab-images/ yourself), and the',
    "engine's work after a server is healthy: mail and web users in the database and in Cyrus, the frontends'",
    "TLS certificates from the lab CA, each server's firewall and sshd (loaded by the engine at each start, with",
    "the lab's SSH keys), the hardware model, the monitor. Don't run it while racklab runs this lab:",
    'the names are the same.',
    ...(skipped.length ? [`Left out: ${skipped.join(', ')}.`] : []),
  ]
  return { yaml: composeYaml(input, header), skipped }
}
