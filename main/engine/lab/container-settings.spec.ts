// Each container carries a hash of its settings (LABEL_SPEC), so `up` can tell a container made with other
// settings (an edited topology, a new racklab) and make it anew, as docker-compose does.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import { LABEL_SPEC } from '../docker/types'
import { containerSpec, placeServers, roleSpec } from './plan'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const secrets = { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }

function made(t: Topology, id: string, image = 'racklab/x:1', s = secrets): ReturnType<typeof containerSpec> {
  const servers = placeServers(t)
  return containerSpec('lab1', servers.get(id)!, roleSpec(t, servers, id, s, 'lab1')!, image, t.domain)
}

describe("a container's settings hash", () => {
  it('is the same for the same settings, whatever the image (compared on its own)', () => {
    const a = made(nyi(), 'file1')
    expect(a.labels[LABEL_SPEC]).toMatch(/^[0-9a-f]{16}$/)
    expect(made(nyi(), 'file1').labels[LABEL_SPEC]).toBe(a.labels[LABEL_SPEC])
    expect(made(nyi(), 'file1', 'racklab/x:2').labels[LABEL_SPEC]).toBe(a.labels[LABEL_SPEC])
  })

  it('changes with what the topology gives the container: env, published ports, secrets', () => {
    const t = nyi()
    const base = made(t, 'file1').labels[LABEL_SPEC]
    expect(made({ ...t, files: { ...t.files, copies: 3 } }, 'file1').labels[LABEL_SPEC]).not.toBe(base)
    expect(made({ ...t, domain: 'example.test' }, 'file1').labels[LABEL_SPEC]).not.toBe(base)
    expect(made({ ...t, files: { ...t.files, ftpPassivePorts: 6 } }, 'edge').labels[LABEL_SPEC]).not.toBe(made(t, 'edge').labels[LABEL_SPEC])
    expect(made(t, 'db1', 'racklab/x:1', { ...secrets, app: 'other' }).labels[LABEL_SPEC]).not.toBe(made(t, 'db1').labels[LABEL_SPEC])
  })
})
