import { describe, expect, it } from 'vitest'
import { pasvRange } from '../roles/file'
import type { Exec } from './db'
import { probeFileName, probeReplicas, probeScrub, SCRIPT } from './storage'

const status = (s: object): Exec => () => Promise.resolve({ exitCode: 0, stdout: JSON.stringify({ node: 'file1', blobs: 3, bytes: 10, capacity: 100, copies: 2, ...s }), stderr: '' })

describe('storage probes', () => {
  it('storage.replicas fails on under-replicated or lost blobs and says how many', async () => {
    const ok = await probeReplicas(status({ underReplicated: 0, lost: 0, totalBlobs: 5, liveNodes: ['file1', 'file2'] }), 'file1')
    expect(ok).toMatchObject({ ok: true, values: { underReplicated: 0, lost: 0, blobs: 5 } })
    const bad = await probeReplicas(status({ underReplicated: 4, lost: 1, totalBlobs: 5, liveNodes: ['file1'] }), 'file1')
    expect(bad.ok).toBe(false)
    expect(bad.message).toBe('4 blobs under-replicated, 1 with no live copy (want 2; live nodes file1)')
  })

  it('storage.replicas reports a node that does not answer, and a database that does not', async () => {
    const down: Exec = () => Promise.resolve({ exitCode: 1, stdout: '', stderr: 'no such container' })
    expect(await probeReplicas(down, 'file1')).toMatchObject({ ok: false, message: 'file1: no such container' })
    expect(await probeReplicas(status({ dbError: 'no metadata database answers' }), 'file1')).toMatchObject({ ok: false })
  })

  it('storage.scrub: fresh and clean passes; stale, unrepaired or never run fails', async () => {
    const scrub = { finishedAt: 1000, seconds: 1, checked: 3, bad: 1, repaired: 1 }
    expect(await probeScrub(status({ scrub }), 'file1', 300, 1100)).toMatchObject({ ok: true, values: { ageSeconds: 100, repaired: 1 } })
    expect((await probeScrub(status({ scrub }), 'file1', 60, 1100)).message).toMatch(/older than 60 s/)
    expect((await probeScrub(status({ scrub: { ...scrub, repaired: 0 } }), 'file1', 300, 1100)).message).toMatch(/1 bad copies could not be repaired/)
    expect((await probeScrub(status({ scrub: null }), 'file1', 300, 1100)).message).toMatch(/not finished a full scrub/)
  })

  it('storage.scrub with no pass yet: ok while the node has been up less than the allowed age, failing after', async () => {
    const booted = (startedAt: number): Exec => (_s, cmd) => Promise.resolve({ exitCode: 0, stdout: cmd[0] === 'stat' ? `${startedAt}\n` : JSON.stringify({ node: 'file1', blobs: 0, bytes: 0, capacity: 100, copies: 2, scrub: null }), stderr: '' })
    expect(await probeScrub(booted(1090), 'file1', 300, 1100)).toMatchObject({ ok: true, message: "file1's first full scrub pass is under way (up 10 s; a pass is due within 300 s)", values: { upSeconds: 10 } })
    expect(await probeScrub(booted(500), 'file1', 300, 1100)).toMatchObject({ ok: false, message: 'file1 has not finished a full scrub pass yet (up 600 s, over the 300 s a pass may take)' })
  })

  it('the DAV and FTP probes of every node write files of their own names in the one tree they share', () => {
    const names = ['file1', 'file2', 'file3'].flatMap((n) => (['dav', 'ftp'] as const).map((p) => probeFileName(n, p)))
    expect(new Set(names).size).toBe(6)
    // the name is the one the script PUTs/STORs and then deletes
    expect(SCRIPT('file2', 'ftp')).toContain('ftp://127.0.0.1/.racklab-probe-file2-ftp-$$"')
    expect(SCRIPT('file2', 'ftp')).toContain('DELE .racklab-probe-file2-ftp-$$"')
    expect(SCRIPT('file3', 'dav')).toContain('http://127.0.0.1/dav/.racklab-probe-file3-dav-$$"')
    expect(() => SCRIPT('file1; rm -rf /', 'dav')).toThrow(/bad server name/)
  })

  it('gives each file node its own passive FTP range, in topology order', () => {
    const c = { serversOf: () => ['file1', 'file2', 'file3'], topology: { files: { copies: 2, capacityMB: 1, ftpPassivePorts: 4 } } } as unknown as Parameters<typeof pasvRange>[0]
    expect(pasvRange(c, 'file1')).toEqual([30000, 30003])
    expect(pasvRange(c, 'file3')).toEqual([30008, 30011])
    expect(() => pasvRange(c, 'db1')).toThrow('db1 is not a file server')
    // a lab with a block of its own (lab/ftp-ports.ts)
    const own = { ...c, topology: { files: { copies: 2, capacityMB: 1, ftpPassivePorts: 10, ftpPassiveBase: 30100 } } } as unknown as Parameters<typeof pasvRange>[0]
    expect(pasvRange(own, 'file2')).toEqual([30110, 30119])
  })
})
