// A clock the monitor's tests move by hand: timers fire when advance() passes them, in order.
import type { MonitorTimers } from './monitor'

export class ManualTimers implements MonitorTimers {
  private t = 0
  private seq = 0
  private readonly pending = new Map<number, { at: number; fn: () => void; every?: number }>()

  now(): number {
    return this.t
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq
    this.pending.set(id, { at: this.t + ms, fn })
    return id
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number)
  }
  setInterval(fn: () => void, ms: number): unknown {
    const id = ++this.seq
    this.pending.set(id, { at: this.t + ms, fn, every: ms })
    return id
  }
  clearInterval(h: unknown): void {
    this.pending.delete(h as number)
  }

  /** moves the clock, firing due timers one by one and letting promises settle after each */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms
    await settle()
    for (;;) {
      const next = [...this.pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
      if (!next) break
      const [id, p] = next
      this.t = p.at
      if (p.every) p.at += p.every
      else this.pending.delete(id)
      p.fn()
      await settle()
    }
    this.t = end
    await settle()
  }
}

/** lets every already-resolved promise chain run */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r))
