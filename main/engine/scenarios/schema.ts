// A scenario file: the servers it needs, then steps run in order — break something, expect the services to
// react, restore, expect them whole again — and cleanup steps that run whatever happened. QA replays an
// incident with it headless (`racklab scenario run FILE`); the journal keeps every step.
import { z } from 'zod'

const SERVER_STATES = ['absent', 'created', 'running', 'paused', 'restarting', 'stopped', 'crashed', 'powered-off'] as const
const HEALTHS = ['healthy', 'unhealthy', 'starting', 'unknown'] as const

/** "500ms", "5s", "2m" → milliseconds */
export const Duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m)$/, 'a duration like 500ms, 30s or 2m')
  .transform((v) => {
    const n = Number(/^[\d.]+/.exec(v)![0])
    return Math.round(v.endsWith('ms') ? n : v.endsWith('m') ? n * 60_000 : n * 1000)
  })

/** What must hold: a probe's result (on one target, or every one it reports) or a server's state. */
export const Condition = z
  .strictObject({
    probe: z.string().optional(),
    server: z.string().optional(),
    /** with probe: which target (a server, usually); without it every result of the probe must match */
    target: z.string().optional(),
    /** with probe: passes (true) or fails (false) */
    ok: z.boolean().optional(),
    /** with server */
    state: z.enum(SERVER_STATES).optional(),
    health: z.enum(HEALTHS).optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.probe === !c.server) ctx.addIssue({ code: 'custom', message: 'give either probe (with target, ok) or server (with state, health)', path: [] })
    if (c.probe && (c.state || c.health)) ctx.addIssue({ code: 'custom', message: 'state and health go with server, not with probe', path: [c.state ? 'state' : 'health'] })
    if (c.server && (c.target !== undefined || c.ok !== undefined)) ctx.addIssue({ code: 'custom', message: 'target and ok go with probe, not with server', path: [c.target !== undefined ? 'target' : 'ok'] })
    if (c.server && !c.state && !c.health) ctx.addIssue({ code: 'custom', message: 'say what the server should be: state (e.g. running) or health (e.g. healthy)', path: [] })
  })

const STEP_KINDS = ['act', 'expect', 'sleep', 'exec', 'say'] as const

export const Step = z
  .strictObject({
    /** shown in the report instead of the generated text */
    name: z.string().min(1).max(200).optional(),
    /** "TARGET ACTION [name=value…]", as `racklab act` takes it */
    act: z.string().regex(/^\S+ \S+( [a-z][a-z0-9-]*=\S+)*$/, 'TARGET ACTION [name=value…], e.g. "cable:db2/int unplug"').optional(),
    expect: Condition.optional(),
    /** with expect or exec: try again until it holds, up to this long (default: once) */
    within: Duration.optional(),
    /** with act: a refusal (e.g. nothing to undo in cleanup) is not a failure */
    optional: z.boolean().optional(),
    sleep: Duration.optional(),
    /** a command in a server; passes when it exits 0 and its output (without the last newline) matches `output`, a regular expression */
    exec: z.strictObject({ server: z.string(), cmd: z.array(z.string()).min(1), output: z.string().optional() }).optional(),
    /** a note for the people watching (printed and journaled) */
    say: z.string().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    const kinds = STEP_KINDS.filter((k) => s[k] !== undefined)
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: kinds.length ? `one step does one thing: ${kinds.join(' and ')} need a step each` : `a step needs one of: ${STEP_KINDS.join(', ')}`, path: [] })
    if (s.within !== undefined && s.expect === undefined && s.exec === undefined) ctx.addIssue({ code: 'custom', message: 'within goes with expect or exec', path: ['within'] })
    if (s.optional !== undefined && s.act === undefined) ctx.addIssue({ code: 'custom', message: 'optional goes with act', path: ['optional'] })
  })

const ARRAY_STATES = ['optimal', 'degraded', 'rebuilding', 'failed'] as const

/** What an exercise grades: a probe or a server (as Condition), a circuit's load or an array's state (the
 *  hardware model's, as LabStatus.hardware publishes it). One kind per goal. */
export const Goal = z
  .strictObject({
    probe: z.string().optional(),
    target: z.string().optional(),
    ok: z.boolean().optional(),
    server: z.string().optional(),
    state: z.enum(SERVER_STATES).optional(),
    health: z.enum(HEALTHS).optional(),
    /** a circuit id (nyi-1-a): holds when it is energized, not tripped, and under maxLoadPct */
    circuit: z.string().optional(),
    maxLoadPct: z.number().positive().max(200).optional(),
    /** an array id (raid1-spool) with the state it must have */
    array: z.string().optional(),
    arrayState: z.enum(ARRAY_STATES).optional(),
  })
  .superRefine((g, ctx) => {
    const kinds = (['probe', 'server', 'circuit', 'array'] as const).filter((k) => g[k] !== undefined)
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: 'a goal is one of: probe (with target, ok), server (with state, health), circuit (with maxLoadPct), array (with arrayState)', path: [] })
    if (g.circuit !== undefined && g.maxLoadPct === undefined) ctx.addIssue({ code: 'custom', message: 'circuit needs maxLoadPct (e.g. 80)', path: ['maxLoadPct'] })
    if (g.array !== undefined && g.arrayState === undefined) ctx.addIssue({ code: 'custom', message: 'array needs arrayState (e.g. optimal)', path: ['arrayState'] })
    if (g.server !== undefined && !g.state && !g.health) ctx.addIssue({ code: 'custom', message: 'say what the server should be: state (e.g. running) or health (e.g. healthy)', path: [] })
  })

export const Objective = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and "-"'),
  /** what the student must reach, in words shown on the dashboard */
  text: z.string().min(1).max(300),
  points: z.number().int().positive().max(1000),
  /** every goal must hold at once */
  when: z.array(Goal).min(1),
})

export const Hint = z.strictObject({
  text: z.string().min(1).max(1000),
  /** points taken from the score when revealed */
  cost: z.number().int().nonnegative().max(1000),
})

/** a seeded stream of mail sent while the steps run; checked against every store after cleanup */
export const Workload = z.strictObject({
  /** the paths mail is sent by, drawn in turn: a server whose port 25 takes it (swaks on 127.0.0.1:25 inside:
   *  an MX's Postfix, or the edge, which forwards to the domain's MX as the Internet would), or webmail:SERVER
   *  (log in to the webmail from that server, the edge, through a frontend and a web server, and send) */
  via: z.array(z.string().regex(/^(webmail:)?[a-z][a-z0-9-]*$/, 'a server id (mx1, edge) or webmail:SERVER (webmail:edge)')).min(1),
  /** recipients, full addresses */
  to: z.array(z.string().regex(/^[a-z][a-z0-9._-]*@[a-z0-9.-]+$/, 'an address like alice@fastmail.test')).min(1),
  seed: z.number().int().default(1),
  /** pause between sends */
  every: Duration.default(2000),
  /** Cyrus nodes whose mailboxes are read at the end (master and replica) */
  stores: z.array(z.string()).min(1),
  /** after cleanup, how long accepted mail may take to reach the stores before the check reports */
  settle: Duration.default(120_000),
})

const MailExpect = z.strictObject({
  lost: z.number().int().min(0).optional(),
  duplicated: z.number().int().min(0).optional(),
  misrouted: z.number().int().min(0).optional(),
  replicaDiffers: z.number().int().min(0).optional(),
  altered: z.number().int().min(0).optional(),
})

export const ScenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and "-", starting with a letter'),
  description: z.string().optional(),
  /** servers brought up (and waited healthy) before the steps; absent = the lab as it is */
  up: z.array(z.string()).min(1).optional(),
  steps: z.array(Step).min(1),
  /** run after the steps whether they passed or not (restore what was broken) */
  cleanup: z.array(Step).default([]),
  /** an exercise: once the steps have broken something, the student's goals, graded on the server */
  objectives: z.array(Objective).min(1).optional(),
  /** revealed one at a time on request, in order */
  hints: z.array(Hint).default([]),
  /** how long the student has from the end of the steps; goals reached later earn nothing */
  timebox: Duration.optional(),
  workload: Workload.optional(),
  /** written by `racklab journal export`: the servers (id → role) of the lab it was recorded on; a replay onto
   *  a lab whose topology differs is refused with the differences */
  recordedOn: z.strictObject({ topology: z.string(), servers: z.record(z.string(), z.string()) }).optional(),
  /** checked at the end of the run; mail needs a workload */
  expect: z.strictObject({ mail: MailExpect }).optional(),
}).superRefine((s, ctx) => {
  if (s.expect?.mail && !s.workload) ctx.addIssue({ code: 'custom', message: 'expect.mail checks the mail a workload sent: add a workload', path: ['expect', 'mail'] })
})

export type Scenario = z.output<typeof ScenarioSchema>
export type ScenarioStep = z.output<typeof Step>
export type ScenarioWorkload = z.output<typeof Workload>
export type MailExpectation = z.output<typeof MailExpect>
export type ScenarioCondition = z.output<typeof Condition>
export type StepKind = (typeof STEP_KINDS)[number]
export const stepKind = (s: ScenarioStep): StepKind => STEP_KINDS.find((k) => s[k] !== undefined)!
export type ScenarioObjective = z.output<typeof Objective>
export type ScenarioGoal = z.output<typeof Goal>
