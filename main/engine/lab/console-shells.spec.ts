import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ServerStatus } from '@contract/status'
import type { Topology } from '@contract/topology'
import { LabSshKeys } from '../ssh/lab-keys'
import { consoleShells, consoleVia } from './console-shells'

const work = mkdtempSync(join(tmpdir(), 'racklab-console-via-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('RACKLAB_CONSOLE: how consoles reach a server', () => {
  it('docker exec by default, ssh when asked, and a clear error for anything else', () => {
    expect(consoleVia({})).toBe('exec')
    expect(consoleVia({ RACKLAB_CONSOLE: 'ssh' })).toBe('ssh')
    expect(() => consoleVia({ RACKLAB_CONSOLE: 'telnet' })).toThrow('RACKLAB_CONSOLE="telnet": use exec (the default) or ssh')
  })

  it('exec leaves the console manager its own opener; ssh refuses a server with no lab address before connecting', async () => {
    const lab = { sshKeys: new LabSshKeys(work), relocated: { sites: [] } as unknown as Topology, serverStatus: () => ({ ips: {} }) as unknown as ServerStatus }
    expect(consoleShells(lab, {})).toBeUndefined()
    const open = consoleShells(lab, { RACKLAB_CONSOLE: 'ssh' })!
    await expect(async () => open('db1', 'cid', 80, 24)).rejects.toThrow('db1 has no address on a lab network: no SSH console (RACKLAB_CONSOLE=ssh)')
  })
})
