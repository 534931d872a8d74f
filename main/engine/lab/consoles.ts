// Interactive shells into running servers (exec with a TTY, or SSH: console-shells.ts), streamed as contract events.
// A console belongs to the client that opened it: only that client can type into, resize or close it, its
// output goes to that client and to the observers it allowed (a share code it hands out: console.share, then
// console.watch), and it is hung up (SIGHUP to the shell) when the client goes away; its observers see it end.
import { randomBytes, randomUUID } from 'node:crypto'
import { LabError } from '@contract/errors'
import type { ExecSession } from '../docker/types'
import type { ConsoleContext } from './lab-context'

/** Each console is a shell and an exec stream held open in Docker: a client gets a few, not unlimited. */
export const MAX_CONSOLES_PER_CLIENT = 4
/** Observers of one console (each is a stream of its output): a trainer and a few others, not a crowd. */
export const MAX_WATCHERS_PER_CONSOLE = 8

interface Session {
  exec: ExecSession
  owner: string
  server: string
  /** clients the owner let watch: they get the output and the exit, and can neither type nor resize */
  watchers: Set<string>
  /** the code that lets another client watch, once the owner asked for one */
  shareCode?: string
}

/** opens a login shell on a running server's PTY: docker exec by default, SSH with RACKLAB_CONSOLE=ssh (console-shells.ts) */
export type ShellOpener = (server: string, containerId: string, cols: number, rows: number) => Promise<ExecSession>

export class Consoles {
  private readonly sessions = new Map<string, Session>()
  /** opens in flight, per client: they count against the cap before Docker answers */
  private readonly opening = new Map<string, number>()
  /** clients that went away while one of their opens was in flight: that console is hung up as it arrives */
  private readonly goneWhileOpening = new Set<string>()

  private readonly openShell: ShellOpener

  constructor(
    private readonly lab: ConsoleContext,
    openShell?: ShellOpener,
  ) {
    this.openShell = openShell ?? ((_server, id, cols, rows) => lab.gateway.execTty(id, ['/bin/bash', '-l'], cols, rows))
  }

  async open(server: string, cols: number, rows: number, owner: string): Promise<string> {
    this.lab.requireEngine()
    this.lab.serverStatus(server)
    const c = this.lab.container(server)
    if (!c?.running) throw new LabError('REFUSED', `${server} is not running: a console needs a running server`)
    const pending = this.opening.get(owner) ?? 0
    if (this.countOf(owner) + pending >= MAX_CONSOLES_PER_CLIENT)
      throw new LabError('REFUSED', `cannot open a console on ${server}: this client already has ${MAX_CONSOLES_PER_CLIENT} consoles open, the most one client may have; close one first`)
    this.opening.set(owner, pending + 1)
    let exec: ExecSession
    try {
      exec = await this.openShell(server, c.id, cols, rows)
    } finally {
      const left = (this.opening.get(owner) ?? 1) - 1
      if (left) this.opening.set(owner, left)
      else this.opening.delete(owner)
    }
    if (this.goneWhileOpening.has(owner)) {
      if (!this.opening.has(owner)) this.goneWhileOpening.delete(owner)
      exec.close()
      throw new LabError('REFUSED', `the console on ${server} was closed as it opened: its client disconnected`)
    }
    const sessionId = randomUUID()
    const session: Session = { exec, owner, server, watchers: new Set() }
    this.sessions.set(sessionId, session)
    const audience = (): string[] => [owner, ...session.watchers]
    exec.onData((data) => {
      for (const to of audience()) this.lab.bus.emit('console.output', { sessionId, data }, to)
    })
    exec.onExit((code) => {
      this.sessions.delete(sessionId)
      for (const to of audience()) this.lab.bus.emit('console.exit', { sessionId, code }, to)
    })
    this.lab.journal.append({ kind: 'action', target: `server:${server}`, text: `console opened on ${server}` })
    return sessionId
  }

  /** The owner lets others watch: a code (the same one until the console ends) that console.watch accepts. */
  share(sessionId: string, client: string): string {
    const s = this.own(sessionId, client)
    s.shareCode ??= randomBytes(18).toString('base64url')
    return s.shareCode
  }

  /** Another client starts watching the console whose owner gave it this code: output only, no input. */
  watch(shareCode: string, client: string): { sessionId: string; server: string } {
    const found = [...this.sessions].find(([, s]) => s.shareCode !== undefined && s.shareCode === shareCode)
    if (!found) throw new LabError('NOT_FOUND', 'no console is shared with that code (it may have ended)')
    const [sessionId, s] = found
    if (s.owner === client) throw new LabError('REFUSED', `console session ${sessionId} is this client's own`)
    if (!s.watchers.has(client) && s.watchers.size >= MAX_WATCHERS_PER_CONSOLE)
      throw new LabError('REFUSED', `the console on ${s.server} already has ${MAX_WATCHERS_PER_CONSOLE} observers, the most one console may have`)
    s.watchers.add(client)
    return { sessionId, server: s.server }
  }

  input(sessionId: string, data: string, client: string): void {
    this.own(sessionId, client).exec.write(data)
  }

  async resize(sessionId: string, cols: number, rows: number, client: string): Promise<void> {
    await this.own(sessionId, client).exec.resize(cols, rows)
  }

  /** The owner hangs the console up; an observer only stops watching it. */
  close(sessionId: string, client: string): void {
    const s = this.sessions.get(sessionId)
    if (s?.watchers.delete(client)) return
    const mine = this.own(sessionId, client)
    mine.exec.close()
    this.hangUp(sessionId, mine)
  }

  /** forget a console whose shell was hung up; its observers are told it ended (the owner closed it itself) */
  private hangUp(sessionId: string, s: Session): void {
    this.sessions.delete(sessionId)
    for (const to of s.watchers) this.lab.bus.emit('console.exit', { sessionId, code: null }, to)
    s.watchers.clear()
  }

  /** The client disconnected: hang up every console it had. */
  closeClient(client: string): void {
    if (this.opening.has(client)) this.goneWhileOpening.add(client)
    for (const [id, s] of this.sessions) {
      s.watchers.delete(client)
      if (s.owner !== client) continue
      s.exec.close()
      this.hangUp(id, s)
      this.lab.journal.append({ kind: 'action', target: `server:${s.server}`, text: `console on ${s.server} closed: its client disconnected` })
    }
  }

  closeAll(): void {
    for (const s of this.sessions.values()) s.exec.close()
    this.sessions.clear()
  }

  countOf(client: string): number {
    let n = 0
    for (const s of this.sessions.values()) if (s.owner === client) n++
    return n
  }

  private own(sessionId: string, client: string): Session {
    const s = this.sessions.get(sessionId)
    if (!s) throw new LabError('NOT_FOUND', `no console session ${sessionId} (it may have ended)`)
    if (s.owner !== client)
      throw new LabError('REFUSED', `console session ${sessionId} was opened by another client: only that client can ${s.watchers.has(client) ? 'type into or resize it (you may watch it)' : 'use or close it'}`)
    return s
  }
}
