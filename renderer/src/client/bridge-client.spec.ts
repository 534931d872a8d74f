import { describe, expect, it, vi } from 'vitest'
import type { Reply } from '@contract/errors'
import type { RacklabBridge } from './bridge-client'
import { createBridgeClient } from './bridge-client'
import { ClientError, describeError } from './client-error'
import { createClient } from './index'

function bridgeReplying(reply: Reply<unknown> | Promise<never>): RacklabBridge & { call: ReturnType<typeof vi.fn> } {
  return { call: vi.fn(() => (reply instanceof Promise ? reply : Promise.resolve(reply))), on: vi.fn(() => () => {}) }
}

describe('bridge client', () => {
  it('unwraps an ok reply to its value and passes cmd and arg through', async () => {
    const bridge = bridgeReplying({ ok: true, value: { opId: 'op-7' } })
    const client = createBridgeClient(bridge)
    await expect(client.call('lab.up', { only: ['web1'] })).resolves.toEqual({ opId: 'op-7' })
    expect(bridge.call).toHaveBeenCalledWith('lab.up', { only: ['web1'] })
  })

  it('rejects a failed reply with a ClientError carrying the wire code and message', async () => {
    const client = createBridgeClient(bridgeReplying({ ok: false, error: { code: 'BUSY', message: 'lab.up is already running (op-3)' } }))
    const err: unknown = await client.call('lab.down').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClientError)
    expect(err).toMatchObject({ code: 'BUSY', message: 'lab.up is already running (op-3)' })
    expect(describeError(err)).toBe('BUSY: lab.up is already running (op-3)')
    expect(String(err)).not.toContain('[object Object]')
  })

  it('maps a rejected invoke to an INTERNAL ClientError with the original message', async () => {
    const client = createBridgeClient(bridgeReplying(Promise.reject(new Error('channel not allowed'))))
    await expect(client.call('engine.status')).rejects.toMatchObject({ code: 'INTERNAL', message: 'channel not allowed' })
  })

  it('rejects a malformed reply instead of returning undefined', async () => {
    const bridge: RacklabBridge = { call: () => Promise.resolve('nope' as unknown as Reply<unknown>), on: () => () => {} }
    await expect(createBridgeClient(bridge).call('lab.status')).rejects.toMatchObject({ code: 'INTERNAL' })
  })

  it('forwards event subscriptions and returns the bridge unsubscribe', () => {
    const off = vi.fn()
    let handler: ((p: unknown) => void) | undefined
    const bridge: RacklabBridge = {
      call: vi.fn(),
      on: (_ev, fn) => {
        handler = fn
        return off
      },
    }
    const seen: unknown[] = []
    const unsubscribe = createBridgeClient(bridge).on('op.progress', (p) => seen.push(p.opId))
    handler?.({ opId: 'op-1', kind: 'up', phase: 'build', current: 1, max: 3, text: 'x' })
    expect(seen).toEqual(['op-1'])
    unsubscribe()
    expect(off).toHaveBeenCalledOnce()
  })

  it('createClient picks the bridge when window.racklab exists', () => {
    const client = createClient({ racklab: bridgeReplying({ ok: true, value: null }), location: window.location })
    expect(client.mode).toBe('bridge')
    expect(client.connection.state).toBe('open')
  })
})
