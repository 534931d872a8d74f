// A fake client that answers what every mounted view asks for at boot (engine, lab status, topology, journal);
// each test adds the answers its own component needs.
import type { LabStatus } from '@contract/status'
import type { Topology } from '@contract/topology'
import { createFakeClient, type FakeClient } from './fake-client'
import { engineOk } from './fixtures'
import { nyiTopology } from './nyi-topology'

export function labClient(status: LabStatus, topology: Topology = nyiTopology()): FakeClient {
  const c = createFakeClient('browser')
  c.answer('engine.status', () => engineOk)
  c.answer('lab.status', () => status)
  c.answer('lab.topology', () => topology)
  c.answer('journal.list', () => [])
  // an engine without a monitor unless a test says otherwise: no alerts, no history, no automatic checks
  c.answer('alerts.list', () => ({ running: false, alerts: [] }))
  c.answer('monitor.history', () => [])
  return c
}
