// provisionFrontendTls against a frontend that keeps what racklab-ca install is given (a test double of the
// fe image's racklab-ca: held, install): what the engine decides to replace, and what it leaves alone.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { parse } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import type { ExecResult } from '../docker/types'
import { placeServers, roleContext } from '../lab/plan'
import { LabAuthority } from '../tls/authority'
import { caScope } from '../tls/ca-scope'
import { LabCaKeeper } from '../tls/ca-store'
import { installFrontendLeaf, parseHeldTls, provisionFrontendTls } from './fe-tls'
import type { HookContext } from './types'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const work = mkdtempSync(join(tmpdir(), 'racklab-fe-tls-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface Held {
  ca?: string
  leaf?: string
  key?: string
  onPurpose: boolean
}
const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '' })

function frontend(t: Topology, keeper: LabCaKeeper): { c: HookContext; held: Held; installs: string[] } {
  const held: Held = { onPurpose: false }
  const installs: string[] = []
  const base = roleContext(t, placeServers(t), 'fe1', { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }, 'it')
  const exec = async (_s: string, cmd: string[], opts?: { stdin?: string }): Promise<ExecResult> => {
    const blocks = (opts?.stdin ?? '').match(/-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----\n/g) ?? []
    switch (cmd[1]) {
      case 'held': {
        // as the image's script prints it: the certificate file (leaf, then the CA), the CA file, the flag
        const server = held.leaf ? `# server.crt\n${held.leaf}${held.ca ?? ''}` : ''
        return ok(`${server}${held.ca ? `# ca.crt\n${held.ca}` : ''}${held.onPurpose ? '# expired-on-purpose\n' : ''}`)
      }
      case 'install':
        installs.push(cmd.slice(2).join(' ') || 'fresh')
        ;[held.leaf, held.key, held.ca] = blocks
        held.onPurpose = cmd[2] === '--expired'
        return ok('')
      default:
        throw new Error(`unexpected ${cmd.join(' ')}`)
    }
  }
  return { c: { ...base, exec, labCa: () => keeper.get() }, held, installs }
}

describe('parseHeldTls', () => {
  it('takes the first certificate of each file and the flag; a placeholder has no CA', () => {
    const a = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'
    const b = '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----'
    expect(parseHeldTls(`# server.crt\n${a}\n${b}\n# ca.crt\n${b}\n# expired-on-purpose\n`)).toEqual({ leafPem: `${a}\n`, caPem: `${b}\n`, onPurpose: true })
    expect(parseHeldTls(`# server.crt\n${a}\n`)).toEqual({ leafPem: `${a}\n`, onPurpose: false })
    expect(parseHeldTls('')).toEqual({ onPurpose: false })
  })
})

describe('provisionFrontendTls', () => {
  it('installs a leaf from the lab CA, then leaves it alone on the next up', async () => {
    const t = nyi()
    const keeper = new LabCaKeeper(join(work, 'a'), 'it', () => caScope(t), () => undefined)
    const fe = frontend(t, keeper)
    await provisionFrontendTls(fe.c)
    const ca = await keeper.get()
    expect(fe.installs).toEqual(['fresh'])
    expect(fe.held.ca).toBe(ca.certPem)
    expect(ca.signed(fe.held.leaf!)).toBe(true)
    expect(fe.held.key).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(new X509Certificate(fe.held.leaf!).subjectAltName).toContain('DNS:www.fastmail.test')
    await provisionFrontendTls(fe.c)
    expect(fe.installs).toEqual(['fresh'])
  }, 30_000)

  it('keeps a certificate expired on purpose; replaces one from another CA or with other names', async () => {
    const t = nyi()
    const keeper = new LabCaKeeper(join(work, 'b'), 'it', () => caScope(t), () => undefined)
    const fe = frontend(t, keeper)
    await installFrontendLeaf(fe.c, await keeper.get(), true)
    await provisionFrontendTls(fe.c)
    expect(fe.installs).toEqual(['--expired'])

    fe.held.onPurpose = false // expired, and nobody meant it: replaced
    await provisionFrontendTls(fe.c)
    expect(fe.installs).toEqual(['--expired', 'fresh'])

    const { authority: other } = await LabAuthority.create('old', caScope(t))
    const stray = await other.issueLeaf({ cn: 'www.fastmail.test', dns: ['www.fastmail.test'], ips: [] })
    Object.assign(fe.held, { ca: other.certPem, leaf: stray.certPem })
    await provisionFrontendTls(fe.c)
    expect(fe.installs).toEqual(['--expired', 'fresh', 'fresh'])
    expect(fe.held.ca).toBe((await keeper.get()).certPem)

    fe.held.leaf = (await (await keeper.get()).issueLeaf({ cn: 'www.fastmail.test', dns: ['www.fastmail.test'], ips: [] })).certPem
    await provisionFrontendTls(fe.c)
    expect(fe.installs).toHaveLength(4)
  }, 30_000) // six RSA keys: slow on a busy machine
})
