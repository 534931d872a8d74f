// The lab state folder is owner-only and secrets.json is 0600, however they were left by an older version.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EventBus } from '../events/event-bus'
import { recordingGateway } from '../binding/recording-gateway'
import { Journal } from '../journal/journal'
import { LabEngine } from '../lab/lab-engine'
import { imagesDir } from '../paths'
import { loadTopology } from '../topology/loader'

const mode = (p: string): number => statSync(p).mode & 0o777
const open = async (stateDir: string): Promise<LabEngine> =>
  new LabEngine({ gateway: recordingGateway([], new Map()), topology: (await loadTopology()).topology, bus: new EventBus(), journal: new Journal(undefined), labId: 't', stateDir, imagesDir: imagesDir() })

describe.runIf(process.platform !== 'win32')('state folder permissions', () => {
  it('a new state folder is created 0700 and its secrets 0600', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'racklab-perm-')), 'home', 'lab')
    await open(dir)
    expect(mode(dir)).toBe(0o700)
    expect(mode(join(dir, 'secrets.json'))).toBe(0o600)
  })

  it('an existing world-readable folder and secrets.json are tightened, the secrets kept', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'racklab-perm-')), 'lab')
    mkdirSync(dir, { mode: 0o755 })
    chmodSync(dir, 0o755)
    const secrets = { repl: 'r1', app: 'a1', backup: 'b1', cyrus: 'c1' }
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify(secrets), { mode: 0o644 })
    chmodSync(join(dir, 'secrets.json'), 0o644)
    const lab = await open(dir)
    expect(mode(dir)).toBe(0o700)
    expect(mode(join(dir, 'secrets.json'))).toBe(0o600)
    expect(lab.secrets).toEqual(secrets)
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toEqual(secrets)
  })
})
