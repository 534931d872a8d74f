import { describe, expect, it } from 'vitest'
import { probesAllowed } from './lab-monitor'

describe('probesAllowed', () => {
  it('probes a connected lab with no operation, or during a scenario or an image build', () => {
    expect(probesAllowed('connected', undefined)).toBe(true)
    expect(probesAllowed('connected', 'scenario')).toBe(true)
    expect(probesAllowed('connected', 'build')).toBe(true)
  })
  it('waits while up or down runs, and while the engine does not answer', () => {
    expect(probesAllowed('connected', 'up')).toBe(false)
    expect(probesAllowed('connected', 'down')).toBe(false)
    expect(probesAllowed('unreachable', undefined)).toBe(false)
  })
})
