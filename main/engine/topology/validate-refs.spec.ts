// Reference checks, each on a copy of fixtures/minimal.yaml with one edit. Lines are those of the file;
// the column is where the offending token starts on that line.
import { readFileSync } from 'node:fs'
import { LabError } from '@contract/errors'
import { describe, expect, it } from 'vitest'
import { parseTopology, type LoadOptions } from './loader.ts'
import { defaultUnitHeight } from './model-heights.ts'
import type { TopologyProblem } from './problems.ts'

const base = readFileSync(new URL('./fixtures/minimal.yaml', import.meta.url), 'utf8')

function edit(...changes: [string, string][]): string {
  let text = base
  for (const [from, to] of changes) {
    expect(text.split(from), `"${from}" occurs once`).toHaveLength(2)
    text = text.replace(from, to)
  }
  return text
}

function problemsOf(text: string, opts?: LoadOptions): TopologyProblem[] {
  try {
    parseTopology(text, 'lab.yaml', opts)
    return []
  } catch (e) {
    if (!(e instanceof LabError) || e.code !== 'TOPOLOGY_INVALID') throw e
    return (e.detail as { errors: TopologyProblem[] }).errors
  }
}

/** "line:column" of `token` on that line of the text (after skipping `skip` characters of it). */
function at(text: string, line: number, token: string, skip = 0): string {
  const col = (text.split('\n')[line - 1] ?? '').indexOf(token)
  expect(col, `"${token}" on line ${line}`).toBeGreaterThanOrEqual(0)
  return `${line}:${col + 1 + skip}`
}

function expectOne(text: string, line: number, token: string, path: string, message: string, opts?: LoadOptions, skip = 0): void {
  const found = problemsOf(text, opts)
  expect(found.map((p) => p.text)).toHaveLength(1)
  expect(found[0]?.text).toBe(`lab.yaml:${at(text, line, token, skip)}: ${path}: ${found[0]?.message}`)
  expect(found[0]?.message).toContain(message)
}

const unit = (i: number, rest: string): string => `sites[0].racks[0].units[${i}].${rest}`

describe('network references', () => {
  it('rejects a subnet with host bits set, and suggests the network address', () => {
    expectOne(edit(['10.9.0.0/24', '10.9.0.5/24']), 62, '10.9.0.5/24', 'networks[0].subnet', 'did you mean 10.9.0.0/24?')
  })
  it('rejects overlapping subnets (Docker would refuse the second bridge)', () => {
    const text = edit(['  - { id: int, subnet: 10.9.0.0/24 }\n', '  - { id: int, subnet: 10.9.0.0/24 }\n  - { id: big, subnet: 10.0.0.0/8 }\n'])
    expectOne(text, 63, '10.0.0.0/8', 'networks[1].subnet', 'overlaps network int (10.9.0.0/24)')
  })
  it('rejects an address that is not IPv4 although it looks like one', () => {
    expectOne(edit(['ip: 10.9.0.12', 'ip: 10.9.0.300']), 39, '10.9.0.300', unit(2, 'nics[0].ip'), 'is not an IPv4 address')
  })
  it("rejects the gateway address Docker keeps for itself", () => {
    expectOne(edit(['ip: 10.9.0.12', 'ip: 10.9.0.1']), 39, '10.9.0.1', unit(2, 'nics[0].ip'), 'kept by Docker for the gateway of 10.9.0.0/24; start at 10.9.0.2')
  })
  it('rejects the broadcast address', () => {
    expectOne(edit(['ip: 10.9.0.12', 'ip: 10.9.0.255']), 39, '10.9.0.255', unit(2, 'nics[0].ip'), 'broadcast address')
  })
  it('rejects two NICs of one server on the same network', () => {
    const text = edit(['port: 1 }\n', 'port: 1 }\n              - { network: int, ip: 10.9.0.15 }\n'])
    expectOne(text, 32, 'int', unit(1, 'nics[1].network'), 'db1 already has a NIC on int')
  })
  it('rejects a cable to a switch that carries another network', () => {
    const text = edit(
      ['{ network: int, ip: 10.9.0.21, switch: sw1', '{ network: ext, ip: 10.9.1.21, switch: sw1'],
      ['  - { id: int, subnet: 10.9.0.0/24 }\n', '  - { id: int, subnet: 10.9.0.0/24 }\n  - { id: ext, subnet: 10.9.1.0/24, internal: false }\n'],
    )
    expectOne(text, 49, 'sw1', unit(3, 'nics[0].switch'), 'switch sw1 carries network int, but this NIC is on ext')
  })
  it('rejects a port the switch does not have', () => {
    expectOne(edit(['switch: sw1, port: 3 }', 'switch: sw1, port: 25 }']), 49, '25', unit(3, 'nics[0].port'), 'switch sw1 has ports 1-24, not 25')
  })
  it('rejects a port without a switch', () => {
    expectOne(edit(['switch: sw1, port: 3 }', 'port: 3 }']), 49, '3 }', unit(3, 'nics[0].port'), 'a port needs a switch')
  })
  it('rejects a cable to something that is not a switch', () => {
    expectOne(edit(['switch: sw1, port: 3 }', 'switch: raid1, port: 3 }']), 49, 'raid1', unit(3, 'nics[0].switch'), '"raid1" is an enclosure, not a switch')
  })
})

describe('power and space', () => {
  it("rejects a feed from a PDU that is not in the unit's rack", () => {
    expectOne(edit(['power: [r1-pdu-a]\n', 'power: [r2-pdu-a]\n']), 23, 'r2-pdu-a', unit(0, 'power[0]'), 'is not a PDU of rack r1 (its PDUs: r1-pdu-a, r1-pdu-b)')
  })
  it('rejects more feeds than the model has PSUs', () => {
    expectOne(edit(['power: [r1-pdu-a]\n', 'power: [r1-pdu-a, r1-pdu-b]\n']), 23, '[', unit(0, 'power'), 'catalyst-2960 has 1 PSU but 2 feeds are listed')
  })
  it('rejects more plugs than a PDU has outlets', () => {
    const text = edit(['{ id: r1-pdu-a, circuit: r1-a }', '{ id: r1-pdu-a, circuit: r1-a, outlets: 2 }'])
    expectOne(text, 14, 'outlets: 2', 'sites[0].racks[0].pdus[0].outlets', '5 units are plugged into r1-pdu-a but it has 2 outlets', undefined, 'outlets: '.length)
  })
  it('rejects a model whose height is unknown', () => {
    expectOne(edit(['model: ibm-x345', 'model: ibm-x999']), 45, 'ibm-x999', unit(3, 'model'), 'unknown hardware model "ibm-x999"')
  })
  it('takes unit heights from the lookup it is given', () => {
    const text = edit(['model: ibm-x345', 'model: ibm-x999'])
    const heights: Record<string, number> = { 'catalyst-2960': 1, 'ibm-x346': 2, 'ibm-x999': 1, 'areca-sata-scsi': 3 }
    expect(problemsOf(text, { unitHeight: (m) => heights[m] })).toEqual([])
    // a 2U switch at the top U of a 12U rack sticks out
    const tallSwitch = (m: string): number | undefined => (m === 'catalyst-2960' ? 2 : defaultUnitHeight(m))
    expectOne(base, 20, '12', unit(0, 'u'), 'a 2U catalyst-2960 at u 12 would occupy U12-U13', { unitHeight: tallSwitch })
  })
})

describe('links between servers', () => {
  it('rejects a replica of itself', () => {
    expectOne(edit(['replicaOf: db1', 'replicaOf: db2']), 40, 'db2', unit(2, 'replicaOf'), 'db2 cannot be a replica of itself')
  })
  it('rejects a replica of a server that does not exist', () => {
    expectOne(edit(['replicaOf: db1', 'replicaOf: db9']), 40, 'db9', unit(2, 'replicaOf'), 'unknown server "db9"')
  })
  it('rejects a replica that shares no network with its primary', () => {
    const text = edit(
      ['{ network: int, ip: 10.9.0.12, switch: sw1, port: 2 }', '{ network: wan, ip: 10.9.2.12 }'],
      ['  - { id: int, subnet: 10.9.0.0/24 }\n', '  - { id: int, subnet: 10.9.0.0/24 }\n  - { id: wan, subnet: 10.9.2.0/24 }\n'],
    )
    expectOne(text, 40, 'db1', unit(2, 'replicaOf'), 'db2 and db1 share no network, so replication has no path')
  })
  it('rejects dependsOn naming something that is not a server', () => {
    const text = edit(['            dependsOn: [db1]\n          - id: raid1', '            dependsOn: [db1, raid1]\n          - id: raid1'])
    expectOne(text, 50, 'raid1', unit(3, 'dependsOn[1]'), '"raid1" is an enclosure, not a server')
  })
  it('rejects an enclosure attached to a switch', () => {
    expectOne(edit(['attachedTo: imap1', 'attachedTo: sw1']), 56, 'sw1', unit(4, 'attachedTo'), '"sw1" is a switch, not a server')
  })
  it("rejects a user's store that is not an imap server", () => {
    expectOne(edit(['store: imap1', 'store: db1']), 64, 'db1', 'users[0].store', '"db1" is a db server, not an imap server')
  })
  it('rejects a user defined twice', () => {
    const text = base + '  - { name: alice, password: other }\n'
    expectOne(text, 65, 'alice', 'users[1].name', 'duplicate user "alice"')
  })
})

describe('RAID arrays', () => {
  it('rejects a bay used by two roles', () => {
    expectOne(edit(['spares: [4]', 'spares: [3]']), 60, 'spares: [3]', unit(4, 'arrays[0].spares[0]'), 'bay 3 is already used by a member of array raid1-data', undefined, 'spares: ['.length)
  })
  it('rejects too few members for the level', () => {
    expectOne(edit(['level: raid5', 'level: raid6']), 60, '[1, 2, 3]', unit(4, 'arrays[0].members'), 'raid6 needs at least 4 member disks, got 3')
  })
})

describe('schema problems', () => {
  it('suggests the field a misspelt key was meant to be', () => {
    expectOne(edit(['users:', 'user:']), 63, 'user', 'user', 'unknown field "user" (did you mean "users"?)')
  })
  it('reports every schema problem, not only the first', () => {
    const found = problemsOf(edit(['u: 10', 'u: ten'], ['u: 6', 'u: -6'], ['side: B', 'side: C']))
    expect(found.map((p) => `${p.line} ${p.path}`)).toEqual([`12 sites[0].racks[0].circuits[1].side`, `28 ${unit(1, 'u')}`, `46 ${unit(3, 'u')}`])
    expect(found[0]?.message).toBe('expected one of "A", "B", got "C"')
  })
  it('rejects an empty file and a file that is not a mapping', () => {
    expect(problemsOf('').map((p) => p.text)).toEqual(['lab.yaml:1:1: (document): expected a mapping (key: value), got an empty value'])
    expect(problemsOf('# nothing\n- a\n- b\n').map((p) => p.text)).toEqual(['lab.yaml:2:1: (document): expected a mapping (key: value), got a list'])
  })
  it('follows YAML anchors and aliases', () => {
    const text = edit(['power: [r1-pdu-a, r1-pdu-b]\n            nics:\n              - { network: int, ip: 10.9.0.11', 'power: &dual [r1-pdu-a, r1-pdu-b]\n            nics:\n              - { network: int, ip: 10.9.0.11'])
    expect(problemsOf(text.replace('power: [r1-pdu-a, r1-pdu-b]\n            nics:\n              - { network: int, ip: 10.9.0.12', 'power: *dual\n            nics:\n              - { network: int, ip: 10.9.0.12'))).toEqual([])
  })
})
