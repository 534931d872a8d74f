import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { pidAlive } from './lock'

describe('pidAlive', () => {
  it('is true for a running process, false for a pid that is gone', () => {
    expect(pidAlive(process.pid)).toBe(true)
    expect(pidAlive(2 ** 22 + 1)).toBe(false) // above Linux's pid_max ceiling: never a process
  })

  // /proc is Linux's: elsewhere a zombie still counts as alive (and only costs a wait)
  it.runIf(process.platform === 'linux')('is false for a zombie (exited, not yet reaped)', async () => {
    // `true` runs in the background and exits; its parent then execs `sleep`, which never reaps it
    const sh = spawn('sh', ['-c', 'true & echo $!; exec sleep 10'], { stdio: ['ignore', 'pipe', 'ignore'] })
    try {
      const zombie = Number(await new Promise<string>((resolve) => sh.stdout.once('data', (d: Buffer) => resolve(d.toString()))))
      expect(zombie).toBeGreaterThan(0)
      await new Promise((r) => setTimeout(r, 200))
      expect(pidAlive(zombie)).toBe(false)
      expect(pidAlive(sh.pid!)).toBe(true)
    } finally {
      sh.kill()
    }
  })
})
