import { describe, expect, it } from 'vitest'
import { fileActions, type FileNodeStatus } from './file-actions'
import type { HookContext } from './types'

const node = (status: Partial<FileNodeStatus>): HookContext =>
  ({
    server: { id: 'file2', role: 'file' },
    topology: { seed: 7 },
    exec: () => Promise.resolve({ exitCode: 0, stdout: JSON.stringify({ node: 'file2', blobs: 8, bytes: 524288, capacity: 2147483648, copies: 2, ...status }), stderr: '' }),
  }) as unknown as HookContext

const refusals = async (c: HookContext): Promise<Record<string, string | undefined>> => Object.fromEntries((await fileActions(c)).map((a) => [a.id, a.refused]))

describe('file node actions', () => {
  it('a healthy node: its breaks are offered, and the restores that would change nothing are refused with why', async () => {
    const r = await refusals(node({ diskFailed: false, ballastBytes: 0 }))
    expect(r['fail-disk']).toBeUndefined()
    expect(r['fill']).toBeUndefined()
    expect(r['replace-disk']).toBe("file2's disk has not failed")
    expect(r['unfill']).toBe("file2's disk was not filled")
  })

  it('a failed disk can be replaced and not failed again; a filled one freed and not filled again', async () => {
    const r = await refusals(node({ blobs: 0, bytes: 0, diskFailed: true, ballastBytes: 0 }))
    expect(r['replace-disk']).toBeUndefined()
    expect(r['fail-disk']).toBe('the disk has already failed')
    const f = await refusals(node({ diskFailed: false, bytes: 2147483648, ballastBytes: 2147000000 }))
    expect(f['unfill']).toBeUndefined()
    expect(f['fill']).toBe('the disk is already full')
  })

  it('a status without the newer fields (an older image) refuses neither restore', async () => {
    const r = await refusals(node({}))
    expect(r['replace-disk']).toBeUndefined()
    expect(r['unfill']).toBeUndefined()
  })

  it('a node that does not answer: every action refused with its reason', async () => {
    const c = { ...node({}), exec: () => Promise.resolve({ exitCode: 1, stdout: '', stderr: 'container racklab-lab-file2 is not running' }) } as unknown as HookContext
    for (const why of Object.values(await refusals(c))) expect(why).toBe('file2: container racklab-lab-file2 is not running')
  })
})
