import { afterEach, describe, expect, it } from 'vitest'
import type { ScenarioInfo } from '@contract/status'
import { ClientError } from '../client/client-error'
import type { FakeClient } from '../testing/fake-client'
import { labStatus } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import ScenariosPanel from './ScenariosPanel.vue'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

const pull: ScenarioInfo = {
  id: 'db2-cable-pull',
  name: 'db2-cable-pull',
  description: 'db2 loses its cable.',
  up: ['db1', 'db2', 'db3'],
  steps: ['act cable:db2/int unplug', 'expect db.replication on db2 fails within 30s', 'act cable:db2/int plug'],
  cleanup: ['act cable:db2/int plug'],
}
function client(): FakeClient {
  const c = labClient(labStatus([]))
  c.answer('scenario.list', () => [pull, { id: 'broken', name: 'broken', steps: [], cleanup: [], error: 'broken.yaml:3:5: steps[0]: a step needs one of: act, expect, sleep, exec, say' }])
  return c
}
const settle = async (): Promise<void> => {
  await flush()
  await flush()
}

describe('ScenariosPanel', () => {
  it('lists the steps, runs the scenario and marks each step as the engine reports it', async () => {
    const c = client()
    c.answer('scenario.run', () => ({ opId: 'op-7' }))
    mounted = mountWith(ScenariosPanel, c)
    await settle()
    // mark, step text and detail are separate elements: their texts follow each other without spaces
    const steps = (): string[] => mounted!.$$('[data-testid="scenario-steps"] li').map((li) => li.textContent!.replace(/\s+/g, ' ').trim())
    expect(steps()).toEqual(['act cable:db2/int unplug', 'expect db.replication on db2 fails within 30s', 'act cable:db2/int plug'])
    expect(mounted.$('.scenario-up')?.textContent).toBe('Brings up db1, db2, db3 first.')
    ;(mounted.$('[data-action="scenario-run"]') as HTMLButtonElement).click()
    await settle()
    expect(c.callsOf('scenario.run')).toEqual([{ id: 'db2-cable-pull' }])
    expect(mounted.$('[data-action="scenario-stop"]')).not.toBeNull()
    const step = (section: 'steps' | 'cleanup', n: number, ok: boolean | null, detail?: string): void =>
      c.emit('op.progress', { opId: 'op-7', kind: 'scenario', phase: 'step', current: n, max: 4, text: '', step: { section, n, text: '', ok, ms: 5, ...(detail ? { detail } : {}) } })
    step('steps', 1, true, 'unplugged db2')
    step('steps', 2, false, 'still not so after 30s: db2: ok')
    step('steps', 3, null)
    step('cleanup', 1, true)
    c.emit('op.progress', { opId: 'other', kind: 'scenario', phase: 'step', current: 1, max: 1, text: '', step: { section: 'steps', n: 3, text: '', ok: true, ms: 1 } })
    c.emit('op.done', { opId: 'op-7', kind: 'scenario', status: 'failed', error: { code: 'UNHEALTHY', message: 'scenario db2-cable-pull failed at step 2' } })
    await settle()
    expect(steps()).toEqual([
      '✓act cable:db2/int unplugunplugged db2',
      '✗expect db.replication on db2 fails within 30sstill not so after 30s: db2: ok',
      '–act cable:db2/int plug',
    ])
    expect(mounted.$('[data-cleanup="1"]')?.textContent).toContain('✓')
    expect(mounted.$('[data-testid="scenario-outcome"]')?.textContent).toBe('scenario db2-cable-pull failed at step 2')
    expect(mounted.$('[data-action="scenario-run"]')).not.toBeNull()
  })

  it('follows a scenario already running when the page loads: Stop works, and its steps are not pinned on the selected one', async () => {
    const c = client()
    c.answer('lab.status', () => labStatus([], { op: { opId: 'op-9', kind: 'scenario' } }))
    mounted = mountWith(ScenariosPanel, c)
    await settle()
    expect(mounted.$('[data-action="scenario-stop"]')).not.toBeNull()
    expect(mounted.$('[data-testid="scenario-adopted"]')?.textContent).toMatch(/started elsewhere is running/)
    c.answer('op.cancel', () => ({ cancelled: true }))
    ;(mounted.$('[data-action="scenario-stop"]') as HTMLButtonElement).click()
    await settle()
    expect(c.callsOf('op.cancel')).toEqual([{ opId: 'op-9' }])
    c.emit('op.progress', { opId: 'op-9', kind: 'scenario', phase: 'step', current: 2, max: 4, text: '', step: { section: 'steps', n: 2, text: '', ok: true, ms: 3 } })
    c.emit('op.done', { opId: 'op-9', kind: 'scenario', status: 'succeeded' })
    await settle()
    expect(mounted.$('[data-step="2"]')?.getAttribute('data-ok')).toBeNull()
    expect(mounted.$('[data-testid="scenario-outcome"]')?.textContent).toBe('the running scenario passed')
    expect(mounted.$('[data-testid="scenario-adopted"]')).toBeNull()
  })

  it('a scenario that does not load shows why and cannot run; a refused run shows the engine’s words', async () => {
    const c = client()
    c.answer('scenario.run', () => Promise.reject(new ClientError('BUSY', 'the lab is busy with "up"')))
    mounted = mountWith(ScenariosPanel, c)
    await settle()
    ;(mounted.$('[data-action="scenario-run"]') as HTMLButtonElement).click()
    await settle()
    expect(mounted.$('[data-testid="scenario-outcome"]')?.textContent).toBe('BUSY: the lab is busy with "up"')
    const pick = mounted.$('[data-testid="scenario-pick"]') as HTMLSelectElement
    pick.value = 'broken'
    pick.dispatchEvent(new Event('change'))
    await settle()
    expect(mounted.el.textContent).toContain('broken.yaml:3:5: steps[0]: a step needs one of')
    expect((mounted.$('[data-action="scenario-run"]') as HTMLButtonElement).disabled).toBe(true)
  })
})
