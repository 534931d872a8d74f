import { describe, expect, it } from 'vitest'
import { ipcSenderAllowed, type FrameLike } from './ipc-sender'

const isApp = (u: string): boolean => u === 'file:///app/index.html'
const main: FrameLike = { url: 'file:///app/index.html', processId: 12, routingId: 1 }

describe('ipcSenderAllowed', () => {
  it('allows the main window’s own frame on the app page', () => {
    expect(ipcSenderAllowed(main, main, isApp)).toBe(true)
    // Electron may hand over another wrapper object for the same frame
    expect(ipcSenderAllowed({ ...main }, main, isApp)).toBe(true)
  })

  it('refuses a missing sender frame (navigated or destroyed since the call)', () => {
    expect(ipcSenderAllowed(null, main, isApp)).toBe(false)
    expect(ipcSenderAllowed(undefined, main, isApp)).toBe(false)
  })

  it('refuses when there is no main window, a subframe, another process, or a foreign page', () => {
    expect(ipcSenderAllowed(main, undefined, isApp)).toBe(false)
    expect(ipcSenderAllowed({ ...main, routingId: 5 }, main, isApp)).toBe(false)
    expect(ipcSenderAllowed({ ...main, processId: 13 }, main, isApp)).toBe(false)
    const navigated = { ...main, url: 'https://evil.example/' }
    expect(ipcSenderAllowed(navigated, navigated, isApp)).toBe(false)
  })
})
