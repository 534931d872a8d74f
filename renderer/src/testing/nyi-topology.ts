// The bundled default topology, parsed with the contract's schema, for renderer tests (vite inlines the file).
import { parse } from 'yaml'
import { TopologySchema, type Topology } from '@contract/topology'
import text from '../../../resources/topologies/nyi-2007.yaml?raw'

export function nyiTopology(): Topology {
  return TopologySchema.parse(parse(text))
}
