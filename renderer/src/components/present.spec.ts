import { describe, expect, it } from 'vitest'
import { server } from '../testing/fixtures'
import { formatIps, imageNote, serverButtons } from './present'

describe('server buttons', () => {
  it('enables Stop and Kill on a running server and explains why Start is off', () => {
    const b = serverButtons(server('web1', { state: 'running' }), null)
    expect(b.stop.enabled && b.kill.enabled).toBe(true)
    expect(b.start).toEqual({ enabled: false, reason: 'web1 is already running' })
  })

  it('enables only Start on a crashed or powered-off server', () => {
    for (const state of ['crashed', 'powered-off', 'stopped', 'created'] as const) {
      const b = serverButtons(server('db1', { state }), null)
      expect([b.start.enabled, b.stop.enabled, b.kill.enabled]).toEqual([true, false, false])
    }
  })

  it('disables everything without a container, or when blocked, saying why', () => {
    const absent = serverButtons(server('mx1', { state: 'absent', imageState: 'no-image' }), null)
    expect(absent.start).toEqual({ enabled: false, reason: 'mx1 has no container yet — use Up' })
    const blocked = serverButtons(server('mx1', { state: 'stopped' }), 'disconnected from racklab serve')
    expect(blocked.start).toEqual({ enabled: false, reason: 'disconnected from racklab serve' })
  })
})

describe('presentation', () => {
  it('names image states and joins IPs', () => {
    expect(imageNote('no-image')?.text).toBe('not built yet')
    expect(imageNote('built')).toBeNull()
    expect(formatIps({ int: '10.231.1.11', ext: '10.231.0.11' })).toBe('int 10.231.1.11 · ext 10.231.0.11')
  })
})
