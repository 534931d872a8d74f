import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { ClientError } from '../client/client-error'
import { createFakeClient } from '../testing/fake-client'
import { labStatus } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { useOpsStore } from './ops'

beforeEach(() => setActivePinia(createPinia()))

describe('ops store', () => {
  it('turns op.progress into a progress row and op.done into its final status', async () => {
    const client = createFakeClient()
    client.answer('lab.up', () => ({ opId: 'op-1' }))
    const ops = useOpsStore()
    ops.bind(client)
    await ops.up({ only: ['web1'] })
    expect(client.callsOf('lab.up')).toEqual([{ only: ['web1'] }])
    expect(ops.ops).toMatchObject([{ opId: 'op-1', kind: 'up', status: 'running', phase: 'requested' }])

    client.emit('op.progress', { opId: 'op-1', kind: 'up', phase: 'build', current: 2, max: 7, text: 'building web', server: 'web1' })
    expect(ops.ops[0]).toMatchObject({ phase: 'build', current: 2, max: 7, text: 'building web', server: 'web1' })
    client.emit('op.done', { opId: 'op-1', kind: 'up', status: 'succeeded' })
    expect(ops.ops[0]).toMatchObject({ status: 'succeeded', phase: 'done', current: 7 })
    expect(ops.running).toHaveLength(0)
    expect(ops.lastError).toBeNull()
  })

  it('creates a row for progress of an op started elsewhere, and reports a failed op as an error', () => {
    const client = createFakeClient()
    const ops = useOpsStore()
    ops.bind(client)
    client.emit('op.progress', { opId: 'cli-9', kind: 'down', phase: 'stop', current: 1, max: -1, text: 'stopping mx1' })
    client.emit('op.done', { opId: 'cli-9', kind: 'down', status: 'failed', error: { code: 'ENGINE_ERROR', message: 'mx1: container is marked for removal' } })
    expect(ops.ops).toMatchObject([{ opId: 'cli-9', status: 'failed', error: { code: 'ENGINE_ERROR' } }])
    expect(ops.lastError).toMatchObject({ code: 'ENGINE_ERROR', message: 'mx1: container is marked for removal', context: 'lab down' })
  })

  it('a down that succeeded with a warning (a network Docker would not remove) shows the warning, not an error row', () => {
    const client = createFakeClient()
    const ops = useOpsStore()
    ops.bind(client)
    client.emit('op.done', { opId: 'cli-10', kind: 'down', status: 'succeeded', warnings: ['network lab-int left behind: Docker miscounted its endpoints'] })
    expect(ops.ops).toMatchObject([{ opId: 'cli-10', status: 'succeeded', phase: 'done' }])
    expect(ops.ops[0]!.error).toBeUndefined()
    expect(ops.lastError).toMatchObject({ code: 'WARNING', message: 'network lab-int left behind: Docker miscounted its endpoints', context: 'lab down' })
  })

  it('keeps the code and message of a refused start', async () => {
    const client = createFakeClient()
    client.answer('lab.down', () => Promise.reject(new ClientError('BUSY', 'lab up op-1 holds the lab')))
    const ops = useOpsStore()
    ops.bind(client)
    await ops.down({ volumes: true })
    expect(client.callsOf('lab.down')).toEqual([{ volumes: true }])
    expect(ops.lastError).toMatchObject({ code: 'BUSY', message: 'lab up op-1 holds the lab' })
    ops.dismiss(ops.lastError?.id ?? -1)
    expect(ops.errors).toEqual([])
  })

  it('keeps only the newest finished rows', () => {
    const client = createFakeClient()
    const ops = useOpsStore()
    ops.bind(client)
    for (let i = 1; i <= 7; i++) {
      client.emit('op.progress', { opId: `op-${i}`, kind: 'up', phase: 'start', current: 0, max: 1, text: '' })
      client.emit('op.done', { opId: `op-${i}`, kind: 'up', status: 'cancelled' })
    }
    expect(ops.ops.map((o) => o.opId)).toEqual(['op-7', 'op-6', 'op-5', 'op-4'])
  })

  it('marks running rows that ended while disconnected', async () => {
    const client = createFakeClient()
    client.answer('lab.status', () => labStatus([], { op: { opId: 'op-b', kind: 'up' } }))
    const ops = useOpsStore()
    ops.bind(client)
    client.emit('op.progress', { opId: 'op-a', kind: 'down', phase: 'stop', current: 1, max: 3, text: '' })
    client.emit('op.progress', { opId: 'op-b', kind: 'up', phase: 'build', current: 1, max: 3, text: '' })
    client.setConnection({ state: 'closed' })
    client.setConnection({ state: 'open' })
    await flush()
    expect(ops.ops.map((o) => `${o.opId}:${o.status}`)).toEqual(['op-b:running', 'op-a:unseen'])
  })
})
