import { afterEach, describe, expect, it } from 'vitest'
import type { HardwareStatus } from '@contract/hardware'
import { nextTick } from 'vue'
import { ClientError } from '../client/client-error'
import { useSelectionStore } from '../stores/selection'
import type { FakeClient } from '../testing/fake-client'
import { labStatus, server } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { hardwareFor } from '../testing/hardware-fixture'
import { mountWith, type Mounted } from '../testing/mount'
import { nyiTopology } from '../testing/nyi-topology'
import { stubTerminals } from '../testing/stub-terminal'
import App from './App.vue'

const topology = nyiTopology()
let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

function client(hardware: unknown = undefined): FakeClient {
  return labClient(labStatus([server('db1', { role: 'db' }), server('db2', { role: 'db', rack: 'nyi-2', state: 'stopped', health: 'unknown' })], { topology: 'nyi-2007', hardware: hardware as HardwareStatus | undefined }), topology)
}

const btn = (m: Mounted, sel: string): HTMLButtonElement => {
  const b = m.$(sel)
  if (!(b instanceof HTMLButtonElement)) throw new Error(`no button ${sel}`)
  return b
}

async function settle(): Promise<void> {
  await flush()
  await nextTick()
  await flush()
  await nextTick()
}

async function mountSelecting(c: FakeClient, id: string): Promise<Mounted> {
  mounted = mountWith(App, c)
  await settle()
  useSelectionStore().select(id)
  await settle()
  return mounted
}

describe('selection panels', () => {
  it('shows the engine error text when the hardware model answers NOT_FOUND, and keeps start/stop/kill', async () => {
    const c = client()
    c.answer('actions.list', (arg) => Promise.reject(new ClientError('NOT_FOUND', `no actions for ${arg?.target}: the hardware model is not running in this build`)))
    c.answer('server.control', () => server('db1', { role: 'db', state: 'stopped' }))
    const m = await mountSelecting(c, 'db1')
    const panel = m.$('[data-panel-server="db1"]')
    expect(panel).not.toBeNull()
    expect(c.callsOf('actions.list')).toContainEqual({ target: 'server:db1' })
    expect(panel!.querySelector('[data-target="server:db1"]')?.textContent).toContain('NOT_FOUND: no actions for server:db1: the hardware model is not running in this build')
    expect(panel!.textContent).toContain('The hardware model is not running: power follows the container.')
    const stop = panel!.querySelector<HTMLButtonElement>('[data-control="stop"]')!
    expect(stop.disabled).toBe(false)
    stop.click()
    await settle()
    expect(c.callsOf('server.control')).toEqual([{ server: 'db1', op: 'stop' }])
    // the first screen's rows are still there, and the selected one is marked
    expect(m.$('[data-server="db1"]')?.getAttribute('aria-current')).toBe('true')
  })

  it('lists actions with the reason a disabled one cannot run, and shows a refusal in the engine words', async () => {
    const c = client(hardwareFor(topology))
    c.answer('actions.list', (arg) =>
      arg?.target === 'server:db1'
        ? [
            { id: 'power-off', label: 'Press the power button', kind: 'operate', enabled: true },
            { id: 'power-on', label: 'Power on', kind: 'operate', enabled: false, reason: 'db1 is already on' },
          ]
        : [],
    )
    c.answer('actions.run', () => Promise.reject(new ClientError('REFUSED', 'db1 is busy booting')))
    const m = await mountSelecting(c, 'db1')
    const list = m.$('[data-target="server:db1"]')!
    expect(list.textContent).toContain('db1 is already on')
    expect(list.querySelector<HTMLButtonElement>('[data-act="power-on"]')!.disabled).toBe(true)
    list.querySelector<HTMLButtonElement>('[data-act="power-off"]')!.click()
    await settle()
    expect(c.callsOf('actions.run')).toEqual([{ target: 'server:db1', action: 'power-off' }])
    expect(list.querySelector('[data-testid="action-outcome"]')?.textContent).toBe('REFUSED: db1 is busy booting')
    // PSUs come from the hardware snapshot
    expect(m.$('[data-panel-server="db1"] [data-psu="1"]')?.textContent).toContain('ok, input live')
  })

  it('an action that takes a value shows its choices and sends the one picked; left at "all", it sends none', async () => {
    const c = client(hardwareFor(topology))
    c.answer('actions.list', (arg) =>
      arg?.target === 'server:db1'
        ? [{ id: 'resync', label: 'Resync', kind: 'restore', enabled: true, params: [{ id: 'user', label: 'User', choices: ['alice', 'bob'], optional: true }] }]
        : [],
    )
    c.answer('actions.run', () => ({ target: 'server:db1', action: 'resync', text: 'done' }))
    const m = await mountSelecting(c, 'db1')
    const list = m.$('[data-target="server:db1"]')!
    const select = list.querySelector<HTMLSelectElement>('[data-param="resync.user"]')!
    expect([...select.options].map((o) => o.textContent)).toEqual(['all users', 'alice', 'bob'])
    list.querySelector<HTMLButtonElement>('[data-act="resync"]')!.click()
    await settle()
    select.value = 'bob'
    select.dispatchEvent(new Event('change'))
    await settle()
    list.querySelector<HTMLButtonElement>('[data-act="resync"]')!.click()
    await settle()
    expect(c.callsOf('actions.run')).toEqual([
      { target: 'server:db1', action: 'resync' },
      { target: 'server:db1', action: 'resync', args: { user: 'bob' } },
    ])
  })

  it('opens a console on the selected server and closes the session when the pane closes', async () => {
    const c = client()
    c.answer('actions.list', () => [])
    c.answer('console.open', () => ({ sessionId: 'sess-1' }))
    c.answer('console.input', () => null)
    c.answer('console.close', () => null)
    const m = await mountSelecting(c, 'db1')
    btn(m, '[data-open="console"]').click()
    // the console view (and xterm) load on demand
    // by time, not by turns: the first import of xterm takes a while on a loaded machine
    for (const until = Date.now() + 10_000; Date.now() < until && !c.callsOf('console.open').length; ) await settle()
    expect(c.callsOf('console.open')).toHaveLength(1)
    const term = stubTerminals.at(-1)!
    c.emit('console.output', { sessionId: 'sess-1', data: 'db1\r\n' })
    expect(term.written).toContain('db1')
    term.type('hostname\r')
    expect(c.callsOf('console.input')).toEqual([{ sessionId: 'sess-1', data: 'hostname\r' }])
    expect(m.$('[data-console="db1"] [data-testid="console-status"]')?.textContent).toContain('connected to db1')
    btn(m, '[data-console="db1"] button').click()
    await settle()
    expect(m.$('[data-console="db1"]')).toBeNull()
    expect(c.callsOf('console.close')).toEqual([{ sessionId: 'sess-1' }])
    expect(term.disposed).toBe(true)
  })

  it('shows an enclosure with its disks from the hardware snapshot, and a circuit for a PDU', async () => {
    const c = client(hardwareFor(topology, { bays: { 'raid1/3': 'failed', 'raid1/12': 'rebuilding' }, amps: { 'nyi-1-pdu-a': 17 } }))
    c.answer('actions.list', () => [])
    const m = await mountSelecting(c, 'raid1')
    expect(m.$('[data-bay="3"]')?.dataset.bayState).toBe('failed')
    expect(m.$('[data-bay="12"]')?.dataset.bayState).toBe('rebuilding')
    expect(m.$('[data-array="raid1-spool"]')?.textContent).toContain('rebuilding')
    btn(m, '[data-bay="3"]').click()
    await settle()
    expect(c.callsOf('actions.list')).toContainEqual({ target: 'disk:raid1/3' })
    useSelectionStore().select('nyi-1-pdu-a')
    await settle()
    const circuit = m.$('[data-panel-circuit="nyi-1-a"]')!
    expect(circuit.textContent).toContain('17.0 A')
    expect(circuit.querySelector('svg[role="img"]')?.getAttribute('aria-label')).toContain('17 A now')
    expect(c.callsOf('actions.list')).toContainEqual({ target: 'circuit:nyi-1-a' })
  })

  it("shows backup1's ZFS pool in its panel: FAULTED said plainly, each vdev, the 48 bays and the pool's actions", async () => {
    const hw = hardwareFor(topology)
    const bays = Array.from({ length: 48 }, (_, i) => ({ bay: i + 1, state: [3, 4, 5].includes(i + 1) ? 'failed' : i + 1 > 44 ? 'spare' : 'ok', serial: `SN${i}` }) as const)
    const vdevs = Array.from({ length: 6 }, (_, v) => ({ id: `raidz2-${v}`, level: 'raidz2', state: 'failed' as const, rebuildPct: null, etaMs: null, members: Array.from({ length: 7 }, (_, i) => ({ bay: 3 + v * 7 + i, state: 'ok', rebuildPct: 100 })), epoch: 1 }))
    const c = client({ ...hw, pools: [{ server: 'backup1', state: 'FAULTED', diskModel: 'sata-500gb', online: true, resilverMBps: 50, boot: [1, 2], spares: [45, 46, 47, 48], bays, vdevs, epoch: 6 }] })
    c.answer('actions.list', () => [])
    const m = await mountSelecting(c, 'backup1')
    const pool = m.$('[data-pool="backup1"]')!
    expect(pool.querySelector('[data-pool-state]')?.textContent).toContain('FAULTED')
    expect(pool.querySelector('.pool-lost')?.textContent).toContain('every backup in it')
    expect(pool.querySelector('[data-vdev="raidz2-0"]')?.textContent).toMatch(/over bays 3, 4, 5, 6, 7, 8, 9\s*FAULTED/)
    expect(pool.querySelectorAll('[data-bay]')).toHaveLength(48)
    expect(pool.querySelector<HTMLElement>('[data-bay="1"]')?.textContent).toContain('boot')
    expect(pool.querySelector<HTMLElement>('[data-bay="4"]')?.dataset.bayState).toBe('failed')
    btn(m, '[data-pool="backup1"] [data-bay="4"]').click()
    await settle()
    expect(c.callsOf('actions.list')).toContainEqual({ target: 'disk:backup1/4' })
    expect(c.callsOf('actions.list')).toContainEqual({ target: 'pool:backup1' })
  })

  it('shows a tripped circuit as tripped, its 0.0 A in grey rather than the green of a light load', async () => {
    const c = client(hardwareFor(topology, { tripped: ['nyi-2-a'] }))
    c.answer('actions.list', () => [])
    const m = await mountSelecting(c, 'nyi-2-pdu-a')
    const amps = m.$('[data-panel-circuit="nyi-2-a"] .amps-now')!
    expect(amps.textContent).toMatch(/0\.0 A of 20 A .*tripped/)
    expect(amps.querySelector('strong')?.classList.contains('muted')).toBe(true)
    expect(amps.querySelector('strong')?.getAttribute('style') ?? '').not.toContain('color')
    expect(m.$('[data-panel-circuit="nyi-2-a"] [data-trip-cause]')?.textContent).toBe('Breaker tripped by hand.')
  })

  it("shows a server's whole power path, PSU ← PDU ← circuit, and a tripped circuit on it", async () => {
    const db1 = topology.sites.flatMap((s) => s.racks).flatMap((r) => r.units).find((u) => u.id === 'db1')!
    const rack = topology.sites.flatMap((s) => s.racks).find((r) => r.units.includes(db1))!
    const [pduA, pduB] = db1.power.map((id) => rack.pdus.find((p) => p.id === id)!)
    const c = client(hardwareFor(topology, { tripped: [pduA!.circuit] }))
    c.answer('actions.list', () => [])
    const m = await mountSelecting(c, 'db1')
    const first = m.$('[data-panel-server="db1"] [data-psu="1"]')!.textContent ?? ''
    expect(first).toContain(`← ${pduA!.id} ← circuit ${pduA!.circuit} tripped`)
    expect(first).toContain('no input')
    expect(m.$('[data-panel-server="db1"] [data-psu-circuit="2"]')?.textContent).toContain(`circuit ${pduB!.circuit} live`)
  })

  it("shows the server's firewall: default drop, what gets in from where, and a blocked port; read again when the lab changes", async () => {
    const c = client()
    c.answer('actions.list', () => [])
    let blocked: number[] = []
    c.answer('server.firewall', (arg) => ({
      server: arg?.server ?? '',
      policy: 'drop',
      always: ['loopback', 'replies to its own connections', 'ICMP'],
      allowed: [
        { proto: 'tcp', ports: '3306', from: 'lab', what: 'MariaDB (clients and replicas)' },
        { proto: 'tcp', ports: '9101', from: 'lab', what: 'offsite copies from backup1' },
      ],
      blocked,
    }))
    const m = await mountSelecting(c, 'db1')
    expect(c.callsOf('server.firewall')).toContainEqual({ server: 'db1' })
    const fw = m.$('[data-firewall="db1"]')!
    expect(fw.textContent).toContain('Input policy drop: only loopback, replies to its own connections, ICMP and these get in.')
    expect(fw.querySelector('[data-allowed="tcp/3306"]')?.textContent).toMatch(/tcp 3306\s+from the lab's subnets — MariaDB/)
    expect(fw.querySelector('[data-blocked]')?.textContent).toBe('Nothing blocked.')

    blocked = [3306]
    c.emit('lab.changed', labStatus([server('db1', { role: 'db' })], { topology: 'nyi-2007' }))
    await new Promise((r) => setTimeout(r, 300))
    await settle()
    expect(fw.querySelector('[data-blocked]')?.textContent).toContain('Blocked now: 3306/tcp')
    expect(fw.querySelector('[data-allowed="tcp/3306"] .badge')?.textContent).toBe('3306 blocked')
    expect(fw.querySelector('[data-allowed="tcp/9101"] .badge')).toBeNull()
  })

  it("says why a stopped server's firewall can't be read, and what the engine refused", async () => {
    const c = client()
    c.answer('actions.list', () => [])
    c.answer('server.firewall', (arg) =>
      arg?.server === 'db2'
        ? { server: 'db2', policy: 'drop', always: ['loopback'], allowed: [{ proto: 'tcp', ports: '3306', from: 'lab', what: 'MariaDB' }], blocked: { error: 'db2 is not running: its firewall is loaded, with nothing blocked, when it starts' } }
        : Promise.reject(new ClientError('ENGINE_ABSENT', 'no Docker engine')),
    )
    const m = await mountSelecting(c, 'db2')
    expect(m.$('[data-firewall="db2"] [data-blocked]')?.textContent).toBe('db2 is not running: its firewall is loaded, with nothing blocked, when it starts')
    useSelectionStore().select('db1')
    await settle()
    expect(m.$('[data-firewall="db1"]')?.textContent).toContain('ENGINE_ABSENT: no Docker engine')
  })
})
