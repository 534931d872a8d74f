import { describe, expect, it, vi } from 'vitest'
import type { ContainerInfo, ExecResult } from '../docker/types'
import { BootHealth, healthCommand, pollCommand, WINDOW_S } from './boot-health'

const started = '2026-12-01T06:00:00Z'
const box = (over: Partial<ContainerInfo> = {}): ContainerInfo => ({
  id: 'c1', name: 'racklab-x-db1', image: 'racklab/db', labels: {}, status: 'running', running: true, exitCode: 0, oomKilled: false,
  ips: {}, ports: {}, health: 'starting', healthTest: ['CMD', '/usr/local/bin/racklab-db-health'], startedAt: started, ...over,
})

function fakeDocker(state: { c: ContainerInfo; passAfter: number }): { exec: ReturnType<typeof vi.fn>; inspectContainer: ReturnType<typeof vi.fn> } {
  let runs = 0
  return {
    inspectContainer: vi.fn(async () => state.c),
    exec: vi.fn(async (): Promise<ExecResult> => ({ exitCode: ++runs >= state.passAfter ? 0 : 1, stdout: '', stderr: '' })),
  }
}

describe("the engine's own health check of a start", () => {
  it('reads the exec form of either kind of Docker health test', () => {
    expect(healthCommand(['CMD', '/bin/check', '-q'])).toEqual(['/bin/check', '-q'])
    expect(healthCommand(['CMD-SHELL', 'test -f /run/ready'])).toEqual(['/bin/sh', '-c', 'test -f /run/ready'])
    expect(healthCommand(['NONE'])).toBeUndefined()
    expect(healthCommand(undefined)).toBeUndefined()
  })

  it('runs the image’s check in the container until it passes; from then on this start reads healthy, before Docker says so', async () => {
    vi.useFakeTimers()
    const state = { c: box(), passAfter: 3 }
    const gw = fakeDocker(state)
    const passed = vi.fn()
    const b = new BootHealth(gw as never, passed)
    const woken = vi.fn()
    void b.nextPass('c1').then(woken)
    b.watch([state.c])
    b.watch([state.c]) // a second event while checking starts no second loop
    // two windows end without a pass (exit 124), each followed by a second's pause; the third exec passes
    await vi.advanceTimersByTimeAsync(2500)
    expect(gw.exec).toHaveBeenCalledTimes(3)
    expect(gw.exec.mock.calls[0]![1]).toEqual(pollCommand(['/usr/local/bin/racklab-db-health']))
    expect(passed).toHaveBeenCalledOnce()
    expect(woken).toHaveBeenCalledOnce()
    expect(b.view(state.c).health).toBe('healthy')
    // Docker's own verdicts stand: unhealthy is unhealthy
    expect(b.view({ ...state.c, health: 'unhealthy' }).health).toBe('unhealthy')
    // a restart is a new start: starting again until checked again
    expect(b.view({ ...state.c, startedAt: '2026-12-01T06:05:00Z' }).health).toBe('starting')
    b.stop()
    vi.useRealTimers()
  })

  it('stops checking when Docker has judged, the container stopped, or it restarted', async () => {
    vi.useFakeTimers()
    const state = { c: box(), passAfter: 99 }
    const gw = fakeDocker(state)
    const b = new BootHealth(gw as never, () => undefined)
    b.watch([state.c])
    await vi.advanceTimersByTimeAsync(1500)
    const before = gw.exec.mock.calls.length
    state.c = box({ health: 'healthy' })
    await vi.advanceTimersByTimeAsync(3000)
    expect(gw.exec.mock.calls.length).toBe(before)
    // not running, or no health check: nothing to do
    b.watch([box({ id: 'c2', running: false }), box({ id: 'c3', healthTest: undefined })])
    await vi.advanceTimersByTimeAsync(2000)
    expect(gw.exec.mock.calls.every((c) => c[0] === 'c1')).toBe(true)
    b.stop()
    vi.useRealTimers()
  })

  it('watching one container keeps what the others passed; only a listing of the lab forgets the gone', async () => {
    vi.useFakeTimers()
    const a = box({ id: 'a' })
    const b = box({ id: 'b' })
    const gw = { inspectContainer: vi.fn(async (id: string) => (id === 'a' ? a : b)), exec: vi.fn(async (): Promise<ExecResult> => ({ exitCode: 0, stdout: '', stderr: '' })) }
    const h = new BootHealth(gw as never, () => undefined)
    h.watch([a, b])
    await vi.advanceTimersByTimeAsync(100)
    h.watch([a]) // up waiting for one server (was: forgot b's pass, b flapped back to starting)
    expect(h.view(b).health).toBe('healthy')
    h.keepOnly(['a'])
    expect(h.view(b).health).toBe('starting')
    expect(h.view(a).health).toBe('healthy')
    h.stop()
    vi.useRealTimers()
  })

  it('a claimed container is left to its claimer: no exec of its own; a pass counts for that start; released, it is checked again', async () => {
    vi.useFakeTimers()
    const state = { c: box(), passAfter: 1 }
    const gw = fakeDocker(state)
    const passed = vi.fn()
    const b = new BootHealth(gw as never, passed)
    const claim = b.claim('c1')!
    expect(b.claim('c1')).toBeUndefined() // one claimer at a time
    b.watch([state.c])
    await vi.advanceTimersByTimeAsync(1500)
    expect(gw.exec).not.toHaveBeenCalled()
    const woken = vi.fn()
    void b.nextPass('c1').then(woken)
    claim.pass(started)
    await vi.advanceTimersByTimeAsync(0)
    expect(passed).toHaveBeenCalledOnce()
    expect(woken).toHaveBeenCalledOnce()
    expect(b.view(state.c).health).toBe('healthy')
    claim.release()
    // a later start of the same container, not claimed: the engine checks it itself again
    state.c = box({ startedAt: '2026-12-01T06:05:00Z' })
    b.watch([state.c])
    await vi.advanceTimersByTimeAsync(100)
    expect(gw.exec).toHaveBeenCalledOnce()
    b.stop()
    expect(b.claim('c1')).toBeUndefined()
    vi.useRealTimers()
  })
})

describe('the boot check command', () => {
  it('is one exec that tries the test every half second, each try bounded, for at most one window', () => {
    const cmd = pollCommand(['/bin/sh', '-c', 'test -f /run/ready'])
    expect(cmd.slice(0, 3)).toEqual(['timeout', String(WINDOW_S), '/bin/sh'])
    expect(cmd[4]).toBe('while :; do timeout 10 "$@" >/dev/null 2>&1 && exit 0; sleep 0.5; done')
    // the test is passed as arguments ("$@"), never spliced into the script
    expect(cmd.slice(5)).toEqual(['racklab-boot-health', '/bin/sh', '-c', 'test -f /run/ready'])
  })
})
