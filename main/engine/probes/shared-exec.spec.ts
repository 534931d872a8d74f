import { describe, expect, it } from 'vitest'
import type { Exec } from './db'
import { forgetSharedRuns, sharedExec } from './shared-exec'

describe('sharedExec', () => {
  const counting = (): { exec: Exec; calls: string[] } => {
    const calls: string[] = []
    const exec: Exec = (server, cmd) => {
      calls.push(`${server} ${cmd.join(' ')}`)
      return Promise.resolve({ exitCode: 0, stdout: `${server}#${calls.length}`, stderr: '' })
    }
    return { exec, calls }
  }

  it('runs a command once for callers within the window, on the same exec across plans', async () => {
    const { exec, calls } = counting()
    let t = 1000
    const a = sharedExec(exec, 2000, () => t)
    const b = sharedExec(exec, 2000, () => t) // the next plan's wrapper over the same lab exec
    expect((await a('fe1', ['racklab-fe-status'])).stdout).toBe('fe1#1')
    t += 1500
    expect((await b('fe1', ['racklab-fe-status'])).stdout).toBe('fe1#1')
    expect(calls).toEqual(['fe1 racklab-fe-status'])
  })

  it('runs again after the window, and never shares between servers or commands', async () => {
    const { exec, calls } = counting()
    let t = 0
    const s = sharedExec(exec, 2000, () => t)
    await s('fe1', ['racklab-fe-status'])
    await s('fe2', ['racklab-fe-status'])
    await s('fe1', ['racklab-fe-status', '--x'])
    t = 2000
    expect((await s('fe1', ['racklab-fe-status'])).stdout).toBe('fe1#4')
    expect(calls).toHaveLength(4)
  })

  it('shares a run still going however long ago it started, and counts the window from its end', async () => {
    const calls: string[] = []
    let finish: (v: { exitCode: number; stdout: string; stderr: string }) => void = () => undefined
    const slow: Exec = (server) => (calls.push(server), new Promise((r) => (finish = r)))
    let t = 0
    const s = sharedExec(slow, 2000, () => t)
    const first = s('fe1', ['racklab-fe-status'])
    t = 5000 // still waiting on a slow backend
    const second = s('fe1', ['racklab-fe-status'])
    t = 6000
    finish({ exitCode: 0, stdout: 'one', stderr: '' })
    await expect(first).resolves.toMatchObject({ stdout: 'one' })
    await expect(second).resolves.toMatchObject({ stdout: 'one' })
    t = 7999
    await expect(s('fe1', ['racklab-fe-status'])).resolves.toMatchObject({ stdout: 'one' })
    expect(calls).toEqual(['fe1'])
    t = 8000
    void s('fe1', ['racklab-fe-status'])
    expect(calls).toEqual(['fe1', 'fe1'])
  })

  it('shares a failure too (the probes report it, each its own way)', async () => {
    let n = 0
    const failing: Exec = () => (n++, Promise.reject(new Error('container gone')))
    const s = sharedExec(failing, 2000, () => 0)
    await expect(s('fe1', ['x'])).rejects.toThrow('container gone')
    await expect(s('fe1', ['x'])).rejects.toThrow('container gone')
    expect(n).toBe(1)
  })

  it('after an action, a run begun before it answers nobody: not even one still going', async () => {
    const calls: string[] = []
    let finish: () => void = () => undefined
    const exec: Exec = (server, cmd) => {
      calls.push(`${server} ${cmd.join(' ')}`)
      return calls.length === 1 ? new Promise((res) => (finish = () => res({ exitCode: 0, stdout: 'before', stderr: '' }))) : Promise.resolve({ exitCode: 0, stdout: 'after', stderr: '' })
    }
    const s = sharedExec(exec, 2000, () => 0)
    const before = s('fe1', ['racklab-fe-status'])
    forgetSharedRuns(exec) // web2 stopped meanwhile: the monitor settles before it plans again
    const after = sharedExec(exec, 2000, () => 0)('fe1', ['racklab-fe-status'])
    finish()
    expect([(await before).stdout, (await after).stdout]).toEqual(['before', 'after'])
    expect(calls).toHaveLength(2)
  })
})
