// racklab labs: every lab on this Docker engine (and every lab this machine keeps state for), with its state,
// subnets and memory. Reads Docker directly: it is about the engine, not one lab, so no lab engine service.
import { LabError } from '@contract/errors'
import { createDockerGateway } from '../../engine/docker/gateway'
import { listLabs } from '../../engine/lab/list-labs'
import { stateHome } from '../../engine/paths'
import { EXIT_OK, printJson, table } from '../output'
import type { CliArgs } from './context'

const mib = (b: number | undefined): string => (b === undefined ? '' : `${Math.round(b / 2 ** 20)} MiB`)

export async function labs(a: CliArgs): Promise<number> {
  const gw = createDockerGateway()
  const engine = await gw.status()
  if (engine.state !== 'connected') throw new LabError('ENGINE_ERROR', engine.message)
  const list = await listLabs(gw, stateHome())
  if (a.json) printJson({ engine: engine.host, labs: list })
  else {
    const rows = [['LAB', 'STATE', 'SERVERS', 'SUBNETS', 'MEMORY']]
    for (const l of list)
      rows.push([l.lab, l.state, `${l.servers.running}/${l.servers.total}`, Object.entries(l.subnets).map(([n, s]) => `${n} ${s}`).join(', ') + (l.subnetsFrom === 'record' ? ' (last used)' : ''), mib(l.memoryBytes)])
    process.stdout.write(`Docker: ${engine.message}\n\n${table(rows)}\n`)
  }
  return EXIT_OK
}
