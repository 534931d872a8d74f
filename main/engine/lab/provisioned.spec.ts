import { mkdtempSync } from 'node:fs'
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
})
