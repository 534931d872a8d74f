// One interactive shell on a server over the contract: console.open with the terminal's size, input and resize
// while it lives, console.close when the panel closes. Output that arrives before console.open has answered
// (the shell's first prompt can beat the reply) is held and replayed once the session id is known.
import type { LabClient } from '@contract/commands'
import { describeError } from '../client/client-error'

export interface SessionSink {
  write(data: string): void
  exited(code: number | null): void
  failed(message: string): void
}

export type SessionState = 'idle' | 'opening' | 'open' | 'ended' | 'failed' | 'closed'

/** held output of sessions not yet known, per id, bounded */
const EARLY_LIMIT = 256 * 1024

export class ConsoleSession {
  sessionId: string | null = null
  state: SessionState = 'idle'
  private readonly offs: Array<() => void> = []
  private early = new Map<string, string[]>()
  private earlySize = 0

  constructor(
    private readonly client: Pick<LabClient, 'call' | 'on'>,
    readonly server: string,
    private readonly sink: SessionSink,
  ) {}

  async open(cols: number, rows: number): Promise<void> {
    if (this.state !== 'idle') return
    this.state = 'opening'
    this.offs.push(
      this.client.on('console.output', ({ sessionId, data }) => {
        if (sessionId === this.sessionId) this.sink.write(data)
        else if (this.sessionId === null && this.earlySize + data.length <= EARLY_LIMIT) {
          this.early.set(sessionId, [...(this.early.get(sessionId) ?? []), data])
          this.earlySize += data.length
        }
      }),
      this.client.on('console.exit', ({ sessionId, code }) => {
        if (sessionId !== this.sessionId) return
        this.state = 'ended'
        this.sink.exited(code)
      }),
    )
    try {
      const { sessionId } = await this.client.call('console.open', { server: this.server, cols, rows })
      if (this.closed()) {
        // the panel closed while we waited: do not leave a shell running on the server
        await this.client.call('console.close', { sessionId }).catch(() => {})
        return
      }
      this.sessionId = sessionId
      this.state = 'open'
      for (const d of this.early.get(sessionId) ?? []) this.sink.write(d)
    } catch (e) {
      if (!this.closed()) {
        this.state = 'failed'
        this.sink.failed(describeError(e))
      }
    } finally {
      this.early = new Map()
      this.earlySize = 0
    }
  }

  /** a method, not an inline test: close() may run while open() awaits, which narrowing cannot see */
  private closed(): boolean {
    return this.state === 'closed'
  }

  input(data: string): void {
    if (this.state !== 'open' || !this.sessionId) return
    this.client.call('console.input', { sessionId: this.sessionId, data }).catch((e: unknown) => this.sink.failed(describeError(e)))
  }

  resize(cols: number, rows: number): void {
    if (this.state !== 'open' || !this.sessionId) return
    this.client.call('console.resize', { sessionId: this.sessionId, cols, rows }).catch(() => {})
  }

  /** Ends the shell (if it still runs) and stops listening; safe to call twice. */
  async close(): Promise<void> {
    const wasOpen = this.state === 'open'
    this.state = 'closed'
    for (const off of this.offs.splice(0)) off()
    if (wasOpen && this.sessionId) await this.client.call('console.close', { sessionId: this.sessionId }).catch(() => {})
  }
}
