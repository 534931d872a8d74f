import { describe, expect, it } from 'vitest'
import { EventBus } from '../events/event-bus'
import { Operations } from './operations'

describe('Operations', () => {
  it("lets every server's step of a whole-site up listen on the operation's signal without Node's leak warning", async () => {
    const warnings: Error[] = []
    const onWarning = (w: Error): void => void warnings.push(w)
    process.on('warning', onWarning)
    try {
      const ops = new Operations(new EventBus())
      let aborted = 0
      const { done } = ops.start('up', async (op) => {
        // 18 servers, each with a listener at once (after-start's cancel, an exec's), then the op is cancelled
        for (let i = 0; i < 18; i++) op.signal.addEventListener('abort', () => void aborted++)
        ops.cancel(op.opId)
        op.checkpoint()
      })
      expect((await done).status).toBe('cancelled')
      expect(aborted).toBe(18)
      await new Promise((r) => setImmediate(r)) // process warnings are emitted on a later tick
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })
})
