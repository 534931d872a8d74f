// Damaged state files found at start (torn by a crash of the old in-place writes, a disk error, a hand edit):
// the lab still starts, says which file was wrong, keeps it aside, and loses no acknowledged action.
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Topology } from '@contract/topology'
import { EventBus } from '../events/event-bus'
import { catalogPath } from '../binding/hardware-runtime'
import { Ledger } from '../binding/ledger'
import { recordingGateway } from '../binding/recording-gateway'
import type { ContainerInfo } from '../docker/types'
import { Journal } from '../journal/journal'
import { LabEngine } from '../lab/lab-engine'
import { appRoot, imagesDir } from '../paths'
import { ScenarioMarker } from '../scenarios/marker'
import { loadTopology } from '../topology/loader'

let topology: Topology
beforeAll(async () => {
  topology = (await loadTopology()).topology
})

const running = (id: string): ContainerInfo => ({ id: `c-${id}`, name: id, image: 'x', labels: { 'racklab.lab': 't', 'racklab.server': id }, status: 'running', running: true, exitCode: 0, oomKilled: false, ips: {}, ports: {} })

function openLab(stateDir: string, calls: string[] = [], containers = new Map([['db2', running('db2')]])): { lab: LabEngine; journal: Journal } {
  const journal = new Journal(join(stateDir, 'journal.jsonl'))
  const lab = new LabEngine({ gateway: recordingGateway(calls, containers), topology, bus: new EventBus(), journal, labId: 't', stateDir, imagesDir: imagesDir(), catalogFile: catalogPath(appRoot()) })
  return { lab, journal }
}
const texts = (j: Journal): string[] => j.list(0, 10_000).map((e) => e.text)
const kept = (dir: string, name: string): string[] => readdirSync(dir).filter((n) => n.startsWith(`${name}.corrupt-`))

describe('torn JSON state files', () => {
  it.each(['members.json', 'secrets.json'])('a torn %s does not stop the lab from starting; it is named in the journal and kept aside', (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-torn-'))
    openLab(dir).lab.setMembers(['db1', 'db2'], true)
    const good = readFileSync(join(dir, name), 'utf8')
    writeFileSync(join(dir, name), good.slice(0, Math.floor(good.length / 2)))

    const { lab, journal } = openLab(dir)
    expect(texts(journal).find((t) => t.includes(join(dir, name)))).toMatch(/is unreadable: not valid JSON/)
    expect(kept(dir, name)).toHaveLength(1)
    expect(readFileSync(join(dir, kept(dir, name)[0]!), 'utf8')).toBe(good.slice(0, Math.floor(good.length / 2)))
    if (name === 'members.json') expect(lab.isMember('db1')).toBe(false)
    else expect(Object.keys(lab.secrets).sort()).toEqual(['app', 'backup', 'cyrus', 'repl'])
    // the replacement is whole again: a third start finds nothing wrong
    const third = openLab(dir)
    expect(texts(third.journal).filter((t) => t.includes('unreadable'))).toHaveLength(1)
  })

  it.each(['nightly.json', 'provisioned.json'])('a torn %s is named in the journal at start and kept aside (was: written in place, read unchecked)', (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-torn-'))
    writeFileSync(join(dir, name), '{"db1": "ab')
    const { journal } = openLab(dir)
    expect(texts(journal).find((t) => t.includes(join(dir, name)))).toMatch(/is unreadable: not valid JSON/)
    expect(kept(dir, name)).toHaveLength(1)
  })

  it('valid JSON of the wrong shape is refused by the schema, with the field named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-torn-'))
    writeFileSync(join(dir, 'members.json'), '["db1", 7]')
    const { lab, journal } = openLab(dir)
    expect(texts(journal).join('\n')).toMatch(/members\.json is unreadable: 1: .*expected string/)
    expect(lab.isMember('db1')).toBe(false)
  })

  it('a torn applied-effects.json makes the next start re-apply the hardware state instead of nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-torn-'))
    const containers = new Map([['db2', running('db2')]])
    const first = openLab(dir, [], containers)
    first.lab.setMembers(['db2'], true)
    await first.lab.initOnce()
    await first.lab.act('server:db2', 'power-off')
    first.lab.close()
    // Docker drifted (the kill never landed before the crash) and the record of what was applied is torn
    containers.set('db2', running('db2'))
    writeFileSync(join(dir, 'applied-effects.json'), readFileSync(join(dir, 'applied-effects.json'), 'utf8').slice(0, 40))

    const calls: string[] = []
    const second = openLab(dir, calls, containers)
    await second.lab.initOnce()
    expect(calls).toContain('stop c-db2') // power-off is a clean shutdown: stop, not kill
    expect(texts(second.journal).join('\n')).toMatch(/applied-effects\.json is unreadable.*re-applying the whole hardware state/)
    expect(kept(dir, 'applied-effects.json')).toHaveLength(1)
  })
})

describe('scenario marker', () => {
  it('a torn marker is reported and kept aside instead of silently skipping the cleanup', () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-torn-'))
    new ScenarioMarker(dir).set({ source: 'name: x', file: '/s/x.yaml' })
    const full = readFileSync(join(dir, 'scenario-running.json'), 'utf8')
    writeFileSync(join(dir, 'scenario-running.json'), full.slice(0, 10))
    const problems: string[] = []
    expect(new ScenarioMarker(dir).get((p) => problems.push(p))).toBeUndefined()
    expect(problems.join('\n')).toMatch(/scenario-running\.json is unreadable.*a scenario was interrupted/)
    expect(kept(dir, 'scenario-running.json')).toHaveLength(1)
  })
})

describe('torn JSONL tails', () => {
  const header = { epochWall: 1, speed: 1, seed: 1 }

  it('ledger: an append after a torn last line is replayed after the next restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-torn-'))
    const file = join(dir, 'hardware-ledger.jsonl')
    const a = new Ledger(file, () => header)
    a.append({ labMs: 1, target: 'server:db2', action: 'power-off' })
    appendFileSync(file, '{"labMs":2,"target":"server:db') // killed mid-append: never acknowledged

    const b = new Ledger(file, () => header)
    b.append({ labMs: 3, target: 'server:db2', action: 'power-on' })

    const c = new Ledger(file, () => header)
    expect(c.entries).toEqual([
      { labMs: 1, target: 'server:db2', action: 'power-off' },
      { labMs: 3, target: 'server:db2', action: 'power-on' },
    ])
    expect(b.problems.join('\n')).toMatch(/hardware-ledger\.jsonl ended in a torn line .*kept it as hardware-ledger\.jsonl\.corrupt-/)
    expect(c.problems).toEqual([])
  })

  it('ledger: a file without a header line starts a fresh site and keeps the old file aside', () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-torn-'))
    const file = join(dir, 'hardware-ledger.jsonl')
    writeFileSync(file, '{"labMs":1,"target":"server:db2","action":"power-off"}\n')
    const l = new Ledger(file, () => header)
    expect(l.header).toEqual(header)
    expect(l.entries).toEqual([])
    expect(l.problems.join('\n')).toMatch(/has no header line/)
    expect(kept(dir, 'hardware-ledger.jsonl')).toHaveLength(1)
  })

  it('journal: an append after a torn last line is read back after the next restart, and the cut is journaled', () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-torn-'))
    const file = join(dir, 'journal.jsonl')
    new Journal(file).append({ kind: 'action', text: 'first' })
    appendFileSync(file, '{"seq":2,"at":"2026-')

    const j = new Journal(file)
    j.append({ kind: 'action', text: 'after restart' })
    const again = texts(new Journal(file))
    expect(again[0]).toBe('first')
    expect(again[1]).toMatch(/journal\.jsonl ended in a torn line/)
    expect(again[2]).toBe('after restart')
    expect(existsSync(file)).toBe(true)
  })
})
