import { describe, expect, it } from 'vitest'
import { loadTopology } from '../topology/loader'
import { chooseFtpBase, ftpPortsNeeded, withFtpBase } from './ftp-ports'

const range = (lo: number, n: number): number[] => Array.from({ length: n }, (_, i) => lo + i)

describe("each lab's passive FTP ports", () => {
  it('the first lab gets 30000; a second beside it the next free block, not the same ports', () => {
    expect(chooseFtpBase({ need: 30, taken: [] })).toBe(30000)
    expect(chooseFtpBase({ need: 30, taken: [443, 8080, ...range(30000, 30)] })).toBe(30100)
    expect(chooseFtpBase({ need: 30, taken: [...range(30000, 30), ...range(30100, 30)] })).toBe(30200)
  })

  it('keeps its previous block while free, and moves when someone took it meanwhile', () => {
    expect(chooseFtpBase({ need: 30, previous: 30300, taken: range(30000, 30) })).toBe(30300)
    expect(chooseFtpBase({ need: 30, previous: 30000, taken: [30015] })).toBe(30100)
  })

  it('a block is never cut by a port in use, nor runs past 39999', () => {
    expect(chooseFtpBase({ need: 30, taken: [30029] })).toBe(30100)
    expect(chooseFtpBase({ need: 130, taken: [] })).toBe(30000)
    expect(chooseFtpBase({ need: 130, taken: [30120] })).toBe(30200)
  })

  it('no free block: refused, saying what to do', () => {
    const all = range(30000, 10000).filter((p) => p % 100 === 50)
    expect(() => chooseFtpBase({ need: 60, taken: all })).toThrow(/no free block of 60 passive FTP ports in 30000–39999.*files\.ftpPassiveBase/)
  })

  it('nyi-2007 needs 12 (three file nodes, 4 each); the lab topology carries its block unless the file chose one', async () => {
    const { topology: t } = await loadTopology()
    expect(ftpPortsNeeded(t)).toBe(12)
    expect(withFtpBase(t, 30100).files.ftpPassiveBase).toBe(30100)
    expect(withFtpBase(t, undefined)).toBe(t)
    const fixed = { ...t, files: { ...t.files, ftpPassiveBase: 41000 } }
    expect(withFtpBase(fixed, 30100).files.ftpPassiveBase).toBe(41000)
  })
})
