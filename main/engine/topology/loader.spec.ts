import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LabError } from '@contract/errors'
import { describe, expect, it } from 'vitest'
import { loadTopology, parseTopology } from './loader.ts'
import type { TopologyProblem } from './problems.ts'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8')

/** The thrown LabError, checked for its code and shape. */
function failure(run: () => unknown): { message: string; errors: TopologyProblem[] } {
  try {
    run()
  } catch (e) {
    expect(e).toBeInstanceOf(LabError)
    const err = e as LabError
    expect(err.code).toBe('TOPOLOGY_INVALID')
    return { message: err.message, errors: (err.detail as { errors: TopologyProblem[] }).errors }
  }
  throw new Error('expected the topology to be rejected')
}

describe('the default topology (nyi-2007)', () => {
  it('loads with the whole inventory of design.md', async () => {
    const { topology: t, fileName } = await loadTopology()
    expect(fileName).toMatch(/nyi-2007\.yaml$/)
    expect(t.name).toBe('nyi-2007')
    expect(t.domain).toBe('fastmail.test')
    expect(t.seed).toBe(2007)
    expect(t.clock.speed).toBe(60)
    expect(t.sites.map((s) => s.id)).toEqual(['nyi', 'offsite'])
    const racks = t.sites.flatMap((s) => s.racks)
    expect(racks.map((r) => r.id)).toEqual(['nyi-1', 'nyi-2', 'nyi-3', 'offsite-1'])
    const units = racks.flatMap((r) => r.units)
    const count = (kind: string): number => units.filter((u) => u.kind === kind).length
    expect([count('server'), count('switch'), count('enclosure'), count('shelf')]).toEqual([18, 4, 2, 1])
    expect(racks.flatMap((r) => r.circuits)).toHaveLength(8)
    expect(racks.flatMap((r) => r.pdus)).toHaveLength(8)
    expect(t.networks.map((n) => [n.id, n.subnet, n.internal])).toEqual([
      ['int', '10.231.0.0/24', true],
      ['ext', '10.231.1.0/24', false],
      ['wan', '10.231.2.0/24', true],
    ])
    expect(t.users.map((u) => [u.name, u.store])).toEqual([
      ['alice', 'imap1'],
      ['bob', 'imap1'],
      ['carol', 'imap1'],
      ['dave', 'imap1'],
    ])
  })

  it('has the roles and replication links the design describes', async () => {
    const { topology: t } = await loadTopology()
    const servers = t.sites.flatMap((s) => s.racks.flatMap((r) => r.units)).flatMap((u) => (u.kind === 'server' ? [u] : []))
    const byId = new Map(servers.map((s) => [s.id, s]))
    expect(byId.get('db2')?.replicaOf).toBe('db1')
    expect(byId.get('db3')?.replicaOf).toBe('db1')
    expect(byId.get('imap2')?.replicaOf).toBe('imap1')
    expect(byId.get('edge')?.label).toBe('the Internet')
    expect(byId.get('backup1')?.role).toBe('backup')
    // every dual-PSU server is fed A then B; single-PSU ones use one side
    for (const s of servers) expect(s.power.length).toBeGreaterThan(0)
    const raid1 = t.sites[0]?.racks[0]?.units.find((u) => u.id === 'raid1')
    expect(raid1).toMatchObject({ kind: 'enclosure', attachedTo: 'imap1', bays: 12, arrays: [{ level: 'raid6', spares: [12] }] })
  })

  it('locates fields of the loaded file', async () => {
    const loaded = await loadTopology()
    const text = readFileSync(loaded.path ?? '', 'utf8').split('\n')
    const pos = loaded.locate(['sites', 0, 'racks', 0, 'units', 5, 'id'])
    expect(text[pos.line - 1]?.slice(pos.column - 1)).toBe('db1')
  })
})

describe('broken files name file:line:column and the field', () => {
  // [fixture, expected "file:line:column: path", a part of the message]
  const cases: [string, string, string][] = [
    ['bad-syntax.yaml', 'bad-syntax.yaml:30:13: (yaml)', 'YAML syntax: Flow sequence'],
    ['unknown-field.yaml', 'unknown-field.yaml:29:13: sites[0].racks[0].units[1].colour', 'unknown field "colour"'],
    ['wrong-type.yaml', 'wrong-type.yaml:36:16: sites[0].racks[0].units[2].u', 'expected an integer, got "top"'],
    ['not-positive.yaml', 'not-positive.yaml:36:16: sites[0].racks[0].units[2].u', 'expected a positive integer, got 0'],
    ['missing-field.yaml', 'missing-field.yaml:42:13: sites[0].racks[0].units[3].model', 'missing (required: a string)'],
    ['bad-kind.yaml', 'bad-kind.yaml:52:19: sites[0].racks[0].units[4].kind', 'expected one of server, enclosure, switch, shelf, got "disk-shelf"'],
    ['duplicate-key.yaml', 'duplicate-key.yaml:45:13: sites[0].racks[0].units[3].role', 'duplicate key "role" (first at line 44)'],
    ['duplicate-id.yaml', 'duplicate-id.yaml:51:17: sites[0].racks[0].units[4].id', 'duplicate id "r1-a": already used by the circuit at line 11'],
    ['overlap.yaml', 'overlap.yaml:36:16: sites[0].racks[0].units[2].u', 'db2 (U11-U12) overlaps sw1 (U12) at U12 and db1 (U10-U11) at U11'],
    ['above-top.yaml', 'above-top.yaml:54:16: sites[0].racks[0].units[4].u', 'would occupy U11-U13, above the top of the 12U rack r1'],
    ['pdu-missing-circuit.yaml', 'pdu-missing-circuit.yaml:15:38: sites[0].racks[0].pdus[1].circuit', '"r1-c" is not a circuit of rack r1'],
    ['ip-outside-subnet.yaml', 'ip-outside-subnet.yaml:49:37: sites[0].racks[0].units[3].nics[0].ip', '10.9.1.21 is outside network int (10.9.0.0/24)'],
    ['duplicate-ip.yaml', 'duplicate-ip.yaml:39:37: sites[0].racks[0].units[2].nics[0].ip', '10.9.0.11 is already used on int by db1'],
    ['port-twice.yaml', 'port-twice.yaml:49:67: sites[0].racks[0].units[3].nics[0].port', 'port 1 of sw1 is already cabled to db1'],
    ['replica-wrong-role.yaml', 'replica-wrong-role.yaml:40:24: sites[0].racks[0].units[2].replicaOf', '"imap1" is an imap server, not a db server'],
    ['depends-cycle.yaml', 'depends-cycle.yaml:51:24: sites[0].racks[0].units[3].dependsOn', 'dependsOn cycle: db1 → imap1 → db1'],
    ['unknown-network.yaml', 'unknown-network.yaml:49:28: sites[0].racks[0].units[3].nics[0].network', 'unknown network "lan" (networks: int)'],
  ]
  it.each(cases)('%s', (name, where, what) => {
    const { message, errors } = failure(() => parseTopology(fixture(name), name))
    expect(errors).toHaveLength(1)
    expect(errors[0]?.text).toBe(`${where}: ${errors[0]?.message}`)
    expect(errors[0]?.message).toContain(what)
    expect(message).toContain(`${where}: `)
  })

  it('refuses a second YAML document in the file', () => {
    const { errors } = failure(() => parseTopology(`${fixture('minimal.yaml')}---\nname: other\n`, 'two.yaml'))
    expect(errors.map((e) => e.text)).toEqual([`two.yaml:65:1: (yaml): YAML syntax: a topology file holds one YAML document; remove the "---" separator and what follows, or merge them`])
  })

  it('reports a handful of YAML errors, not the cascade after the first', () => {
    const { message, errors } = failure(() => parseTopology(fixture('minimal.yaml').replace('units:\n', 'units: [\n'), 'cascade.yaml'))
    // the unclosed "[" on line 16 turns every later line into an error; the first is where it shows
    expect(errors).toHaveLength(5)
    expect(errors[0]?.text).toBe('cascade.yaml:17:11: (yaml): YAML syntax: Block collections are not allowed within flow collections')
    expect(message).toMatch(/\(and \d+ more YAML errors after these, most likely caused by the first\)$/)
  })

  it('accepts the valid base the broken fixtures are copied from', () => {
    expect(parseTopology(fixture('minimal.yaml'), 'minimal.yaml').topology.name).toBe('mini')
  })

  it('lists every problem of a file, in file order, not just the first', () => {
    const { message, errors } = failure(() => parseTopology(fixture('many-problems.yaml'), 'many-problems.yaml'))
    expect(errors.map((e) => `${e.line}:${e.column} ${e.path}`)).toEqual([
      '15:38 sites[0].racks[0].pdus[1].circuit',
      '40:24 sites[0].racks[0].units[2].replicaOf',
      '49:37 sites[0].racks[0].units[3].nics[0].ip',
      '56:25 sites[0].racks[0].units[4].attachedTo',
    ])
    expect(message.split('\n')[0]).toBe('many-problems.yaml: the topology is invalid (4 problems):')
    expect(errors[3]?.message).toBe('unknown server "raid9"')
  })

  it('loads a file by path and names it as given', async () => {
    const path = join(fixtures, 'overlap.yaml')
    await expect(loadTopology(path)).rejects.toThrow(`${path}:36:16: sites[0].racks[0].units[2].u:`)
    await expect(loadTopology(join(fixtures, 'minimal.yaml'))).resolves.toMatchObject({ topology: { name: 'mini' } })
  })

  it('says so when the file cannot be read', async () => {
    await expect(loadTopology(join(fixtures, 'no-such-file.yaml'))).rejects.toThrow(/cannot read topology .*no-such-file\.yaml: no such file/)
  })

  it('refuses a file over 1 MiB before parsing it, naming the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'racklab-topo-')), 'huge.yaml')
    writeFileSync(file, `${fixture('minimal.yaml')}\n${'# padding padding padding padding\n'.repeat(40_000)}`)
    await expect(loadTopology(file)).rejects.toThrow(`cannot read topology ${file}: it is larger than the 1 MiB limit`)
    // the cap is on bytes read, so a device that never ends is refused too
    await expect(loadTopology('/dev/zero')).rejects.toThrow('cannot read topology /dev/zero: it is larger than the 1 MiB limit')
  })
})
