import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ProvisionRecord, provisionKey } from './provisioned'

describe('provisioning record', () => {
  it('is unchanged only for the same inputs, across processes', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'racklab-prov-')), 'provisioned.json')
    const key = provisionKey({ users: ['alice'], kept: ['2026-11-30T10:00:00Z'] })
    const a = new ProvisionRecord(file)
    expect(a.unchanged('db1', key)).toBe(false)
    a.save('db1', key)
    const b = new ProvisionRecord(file)
    expect(b.unchanged('db1', key)).toBe(true)
    expect(b.unchanged('db1', provisionKey({ users: ['alice'], kept: ['2026-11-30T11:00:00Z'] }))).toBe(false)
    expect(b.unchanged('db2', key)).toBe(false)
  })
  it('is written atomically: owner-only, no temp file left', () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-prov-'))
    const file = join(dir, 'provisioned.json')
    new ProvisionRecord(file).save('db1', 'k1')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ db1: 'k1' })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['provisioned.json'])
  })
  it('a torn or misshapen record is named and kept aside, and every server provisions again (was: dropped silently)', () => {
    for (const [text, why] of [['{"db1": "ab', /not valid JSON/], ['{"db1": 7}', /db1: .*expected string/]] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'racklab-prov-'))
      const file = join(dir, 'provisioned.json')
      writeFileSync(file, text)
      const said: string[] = []
      const r = new ProvisionRecord(file, (t) => said.push(t))
      expect(r.unchanged('db1', 'ab')).toBe(false)
      expect(said).toHaveLength(1)
      expect(said[0]).toMatch(why)
      expect(said[0]).toMatch(/provisioned\.json is unreadable: .*kept it as provisioned\.json\.corrupt-.*; every server is provisioned again on the next up$/)
      expect(readdirSync(dir).filter((n) => n.startsWith('provisioned.json.corrupt-'))).toHaveLength(1)
    }
  })
})
