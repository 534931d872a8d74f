// Every command and event, declared once. Transports (IPC, WebSocket) and the CLI route through this map.
import { z } from 'zod'
import { commandNames, eventNames, isCmd, isEvt } from './names'
import type { BackupsInfo } from './backup'
import type { AlertsChanged, HistorySeries, MonitorInfo } from './monitor'
import type { Topology } from './topology'
import type {
  ActionInfo,
  Endpoint,
  EngineStatus,
  FirewallView,
  JournalEntry,
  LabCa,
  LabStatus,
  OpDone,
  OpProgress,
  ProbeResult,
  ScenarioInfo,
  ServerStatus,
} from './status'

const server = z.string().min(1).max(64)
const none = z.strictObject({}).optional().default({})

export const commandInputs = {
  'engine.status': none,
  'lab.status': none,
  'lab.topology': none,
  'lab.up': z.strictObject({ only: z.array(server).optional() }).optional().default({}),
  'lab.down': z.strictObject({ volumes: z.boolean().default(false) }).optional().default({ volumes: false }),
  'op.cancel': z.strictObject({ opId: z.string().min(1) }),
  'server.control': z.strictObject({ server, op: z.enum(['start', 'stop', 'kill', 'pause', 'unpause', 'restart']) }),
  'server.logs': z.strictObject({ server, tail: z.number().int().positive().max(10_000).default(200) }),
  'server.firewall': z.strictObject({ server }),
  /** the monitor's latest results at once (each with ageMs); fresh: run every probe now. Without a monitor
   *  (one-shot runtimes, RACKLAB_MONITOR=0) the probes always run now. */
  'lab.check': z.strictObject({ fresh: z.boolean().default(false) }).optional().default({ fresh: false }),
  'alerts.list': none,
  /** bounded series for charts; keys as HistorySeries.key (db.replication@db2, circuit:nyi-1-a…), all when absent */
  'monitor.history': z.strictObject({ keys: z.array(z.string().min(1).max(200)).max(200).optional() }).optional().default({}),
  'lab.endpoints': none,
  'lab.ca': none,
  /** a docker-compose file of the lab's containers (racklab export compose) */
  'lab.compose': none,
  /** what the backup server holds, night by night (the backup panel, racklab backups); the lab's only one when absent */
  'backup.list': z.strictObject({ server: server.optional() }).optional().default({}),
  'scenario.list': none,
  'scenario.run': z.union([
    z.strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a scenario id from scenario.list') }),
    /** a scenario file's text (the CLI sends what it read), named by the file for file:line:column errors */
    z.strictObject({ source: z.string().max(1024 * 1024, 'a scenario file is at most 1 MiB'), file: z.string().min(1).max(4096) }),
  ]),
  'actions.list': z.strictObject({ target: z.string().min(1).max(128) }),
  'actions.run': z.strictObject({
    target: z.string().min(1).max(128),
    action: z.string().min(1).max(64),
    /** the action's params by id (see ActionInfo.params); checked by the engine against their choices */
    args: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a parameter name is lowercase letters, digits and dashes'), z.string().min(1).max(256)).optional(),
  }),
  'actions.targets': none,
  /** put back action `seq` of the ledger with its recorded inverse (default: the newest one that has one) */
  'actions.undo': z.strictObject({ seq: z.number().int().positive().optional() }).optional().default({}),
  'journal.list': z.strictObject({ since: z.number().int().nonnegative().default(0), limit: z.number().int().positive().max(5000).default(500) }).optional().default({ since: 0, limit: 500 }),
  /** a stretch of the journal, (since, until], as a replayable scenario file (racklab journal export --as scenario,
   *  the journal dock's Record / Stop recording); until defaults to the newest entry */
  'journal.export': z.strictObject({
    since: z.number().int().nonnegative(),
    until: z.number().int().positive().optional(),
    name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a scenario name: lowercase letters, digits and "-", starting with a letter').optional(),
  }),
  'console.open': z.strictObject({ server, cols: z.number().int().min(10).max(500), rows: z.number().int().min(5).max(300) }),
  'console.input': z.strictObject({ sessionId: z.string().min(1), data: z.string().max(65_536) }),
  'console.resize': z.strictObject({ sessionId: z.string().min(1), cols: z.number().int().min(10).max(500), rows: z.number().int().min(5).max(300) }),
  'console.close': z.strictObject({ sessionId: z.string().min(1) }),
  /** the owner lets others watch its console: a code to hand to them */
  'console.share': z.strictObject({ sessionId: z.string().min(1) }),
  /** watch a console shared with this code: its output and exit come here too; typing stays with its owner */
  'console.watch': z.strictObject({ shareCode: z.string().min(16).max(64) }),
} as const

export interface CommandOutputs {
  'engine.status': EngineStatus
  'lab.status': LabStatus
  'lab.topology': Topology
  'lab.up': { opId: string }
  'lab.down': { opId: string }
  'op.cancel': { cancelled: boolean }
  'server.control': ServerStatus
  'server.logs': { text: string }
  'server.firewall': FirewallView
  'lab.check': ProbeResult[]
  'alerts.list': MonitorInfo
  'monitor.history': HistorySeries[]
  'lab.endpoints': Endpoint[]
  'lab.ca': LabCa
  'lab.compose': { yaml: string; skipped: string[] }
  'backup.list': BackupsInfo
  'scenario.list': ScenarioInfo[]
  'scenario.run': { opId: string }
  'actions.list': ActionInfo[]
  'actions.run': { target: string; action: string; text: string }
  'actions.targets': { target: string; actions: ActionInfo[] }[]
  'actions.undo': { seq: number; undid: number; text: string }
  'journal.list': JournalEntry[]
  'journal.export': { yaml: string; name: string; actions: number; until: number }
  'console.open': { sessionId: string }
  'console.input': null
  'console.resize': null
  'console.close': null
  'console.share': { shareCode: string }
  'console.watch': { sessionId: string; server: string }
}

export type Cmd = keyof typeof commandInputs
/** what a caller passes (defaults may be omitted) */
export type CmdIn<C extends Cmd> = z.input<(typeof commandInputs)[C]>
/** what a handler receives (defaults filled in) */
export type CmdArg<C extends Cmd> = z.output<(typeof commandInputs)[C]>
export type CmdOut<C extends Cmd> = CommandOutputs[C]

export interface EventPayloads {
  'engine.changed': EngineStatus
  'lab.changed': LabStatus
  'op.progress': OpProgress
  'op.done': OpDone
  'journal.appended': JournalEntry
  'probe.results': ProbeResult[]
  /** the monitor raised or cleared alerts; `alerts` is every one active now */
  'alerts.changed': AlertsChanged
  'console.output': { sessionId: string; data: string }
  'console.exit': { sessionId: string; code: number | null }
}
export type Evt = keyof EventPayloads

// The names alone live in names.ts (no zod), so the sandboxed preload can import its allow-list.
// These two checks keep the lists and the declarations in step at compile time.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
const _cmdsMatch: Same<Cmd, (typeof commandNames)[number]> = true
const _evtsMatch: Same<Evt, (typeof eventNames)[number]> = true
void _cmdsMatch
void _evtsMatch
export { commandNames, eventNames, isCmd, isEvt }

/** The one client shape both transports implement. */
export interface LabClient {
  call<C extends Cmd>(cmd: C, arg?: CmdIn<C>): Promise<CmdOut<C>>
  on<E extends Evt>(ev: E, fn: (payload: EventPayloads[E]) => void): () => void
}
