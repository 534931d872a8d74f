import { describe, expect, it } from 'vitest'
import { flushMailQueues } from './mail-flush'

describe('flushMailQueues', () => {
  it('asks every MX to retry its queue now, and skips one that is down or fails', async () => {
    const calls: string[] = []
    const exec = async (server: string, cmd: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
      calls.push(`${server}: ${cmd.join(' ')}`)
      if (server === 'mx3') throw new Error('container is not running')
      return { exitCode: server === 'mx2' ? 1 : 0, stdout: '', stderr: '' }
    }
    const flushed = await flushMailQueues({ exec, serversOf: (role) => (role === 'mx' ? ['mx1', 'mx2', 'mx3'] : ['imap1']) })
    expect(calls.sort()).toEqual(['mx1: postqueue -f', 'mx2: postqueue -f', 'mx3: postqueue -f'])
    expect(flushed).toEqual(['mx1'])
  })
})
