// A relocated lab (its subnets moved because the topology's were taken) has other addresses than the topology
// file: the inspector and the parts list show the ones the engine reports for the lab, not the file's.
import { afterEach, describe, expect, it } from 'vitest'
import { useSelectionStore } from '../stores/selection'
import { labStatus, server } from '../testing/fixtures'
import { settle } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import { nyiTopology } from '../testing/nyi-topology'
import App from './App.vue'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

async function selectDb1(ips: Record<string, string>): Promise<Mounted> {
  const status = labStatus([server('db1', { role: 'db', ips })], { topology: 'nyi-2007' })
  mounted = mountWith(App, labClient(status, nyiTopology()))
  await settle()
  useSelectionStore().select('db1')
  await settle()
  return mounted
}

describe('NIC addresses in a relocated lab', () => {
  it('shows the lab\'s real addresses (same host part) in the inspector and the parts list', async () => {
    // the topology says int 10.231.0.11 and wan 10.231.2.11; the lab was moved into 10.206.x
    const m = await selectDb1({ int: '10.206.0.11', wan: '10.206.2.11' })
    const panel = m.$('[data-panel-server="db1"] [aria-label="Network"]')!.textContent!
    const parts = m.$('[data-parts="db1"]')!.textContent!
    for (const text of [panel, parts]) {
      expect(text).toContain('10.206.0.11')
      expect(text).toContain('10.206.2.11')
      expect(text).not.toContain('10.231.')
    }
  })

  it('falls back to the topology\'s address for a NIC the engine reports nothing for', async () => {
    const m = await selectDb1({ int: '10.206.0.11' })
    const parts = m.$('[data-parts="db1"]')!.textContent!
    expect(parts).toContain('NIC int 10.206.0.11')
    expect(parts).toContain('NIC wan 10.231.2.11')
  })
})
