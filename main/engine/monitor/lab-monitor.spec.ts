import { describe, expect, it } from 'vitest'
import type { EngineStatus } from '@contract/status'
import { mayProbe } from './lab-monitor'

const connected = { state: 'connected' } as EngineStatus

describe('when the monitor of a lab probes', () => {
  it('probes a connected lab, also while it goes down or builds or runs a scenario', () => {
    expect(mayProbe(connected, undefined)).toBe(true)
    for (const kind of ['down', 'build', 'scenario'] as const) expect(mayProbe(connected, { kind })).toBe(true)
  })

  it('waits while an up boots the servers (up itself waits for their health) and without an engine', () => {
    expect(mayProbe(connected, { kind: 'up' })).toBe(false)
    expect(mayProbe({ state: 'absent' } as EngineStatus, undefined)).toBe(false)
  })
})
