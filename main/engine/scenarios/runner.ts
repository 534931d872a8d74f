// Runs a scenario's steps in order against a lab, stopping at the first that fails; cleanup steps run after,
// whatever happened. The lab is reached only through ScenarioDeps, so the logic is tested without Docker and
// the CLI binds it to the real engine (bind.ts).
import type { ProbeResult, ScenarioStepResult, ServerStatus } from '@contract/status'
import type { ExecResult } from '../docker/types'
import { parseArgWords } from '../lab/action-args'
import { describeHistory, historyValues, runWorkload, settleAndCheck, unmetExpectations } from '../mail-history/history-run'
import type { SentMessage } from '../mail-history/workload'
import { boundedRegexTest } from './bounded-regex'
import { stepKind, type Scenario, type ScenarioCondition, type ScenarioStep } from './schema'

export interface ScenarioDeps {
  /** bring these servers up and wait until healthy; throws when they are not */
  up(only: string[]): Promise<void>
  act(target: string, action: string, args: Record<string, string>): Promise<string>
  servers(): Promise<ServerStatus[]>
  /** run one probe; every result it reports (one per target) */
  probe(id: string): Promise<ProbeResult[]>
  /** timeoutMs: how long this one run may take (a step's `within`, or the default minute) */
  exec(server: string, cmd: string[], timeoutMs?: number): Promise<ExecResult>
  /** a line for the journal */
  note(text: string): void
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  now(): number
  /** a test user's password (the topology's), for a workload's webmail path */
  password?(user: string): string | undefined
}

/** one row of the report: the contract's type, so the CLI's --json and the UI's progress carry the same */
export type StepReport = ScenarioStepResult

export interface ScenarioReport {
  name: string
  ok: boolean
  ms: number
  steps: StepReport[]
}

const POLL_MS = 1000

/** a step's outcome in one word, as the journal, the CLI and the UI's progress say it */
export const outcomeWord = (r: StepReport): string => (r.ok === null ? 'not run' : r.ok ? 'ok' : 'FAILED')
const fmtMs = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`)

export function describeCondition(c: ScenarioCondition): string {
  if (c.server) return `${c.server} ${[c.state, c.health].filter(Boolean).join(', ')}`
  return `${c.probe}${c.target ? ` on ${c.target}` : ''} ${c.ok === false ? 'fails' : 'passes'}`
}

export function describeStep(s: ScenarioStep): string {
  if (s.name) return s.name
  switch (stepKind(s)) {
    case 'act':
      return `act ${s.act}`
    case 'expect':
      return `expect ${describeCondition(s.expect!)}${s.within ? ` within ${fmtMs(s.within)}` : ''}`
    case 'sleep':
      return `sleep ${fmtMs(s.sleep!)}`
    case 'exec':
      return `exec on ${s.exec!.server}: ${s.exec!.cmd.join(' ')}${s.within ? ` (within ${fmtMs(s.within)})` : ''}`
    case 'say':
      return s.say!
  }
}

/** does the condition hold now? with the words that say what was seen */
async function holds(c: ScenarioCondition, d: ScenarioDeps): Promise<{ ok: boolean; seen: string }> {
  if (c.server) {
    const s = (await d.servers()).find((x) => x.id === c.server)
    if (!s) return { ok: false, seen: `${c.server} is not in the lab` }
    const ok = (!c.state || s.state === c.state) && (!c.health || s.health === c.health)
    return { ok, seen: `${s.id} is ${s.state}, ${s.health}${s.detail ? ` (${s.detail})` : ''}` }
  }
  const results = (await d.probe(c.probe!)).filter((r) => !c.target || r.target === c.target)
  if (!results.length) return { ok: false, seen: `${c.probe} reported nothing${c.target ? ` for ${c.target}` : ''} (is it running?)` }
  const want = c.ok ?? true
  return { ok: results.every((r) => r.ok === want), seen: results.map((r) => `${r.target}: ${r.ok ? 'ok' : 'FAILED'} — ${r.message}`).join('; ') }
}

async function execHolds(x: NonNullable<ScenarioStep['exec']>, d: ScenarioDeps, withinMs?: number): Promise<{ ok: boolean; seen: string }> {
  // a long job (200 uploads) may use the step's whole `within`; a quick check keeps the minute
  const r = await d.exec(x.server, x.cmd, Math.max(60_000, withinMs ?? 0))
  const out = (r.stdout + r.stderr).trim().slice(-500)
  if (r.exitCode !== 0) return { ok: false, seen: `exit ${r.exitCode}: ${out}` }
  // a pattern that runs out of time throws: the step fails at once with the reason, no retrying
  if (x.output !== undefined && !boundedRegexTest(x.output, r.stdout.replace(/\n$/, ''))) return { ok: false, seen: `output does not match /${x.output}/: ${out || '(none)'}` }
  return { ok: true, seen: out }
}

/** check once, or until it holds for up to `within` ms, polling every second */
async function retry(within: number | undefined, signal: AbortSignal | undefined, d: ScenarioDeps, check: () => Promise<{ ok: boolean; seen: string }>): Promise<{ ok: boolean; detail: string }> {
  const deadline = d.now() + (within ?? 0)
  for (;;) {
    const r = await check()
    if (r.ok) return { ok: true, detail: r.seen }
    if (d.now() >= deadline || signal?.aborted) return { ok: false, detail: within ? `still not so after ${fmtMs(within)}: ${r.seen}` : r.seen }
    await d.sleep(Math.min(POLL_MS, Math.max(0, deadline - d.now())), signal)
  }
}

async function runStep(s: ScenarioStep, d: ScenarioDeps, signal?: AbortSignal): Promise<{ ok: boolean; detail: string }> {
  switch (stepKind(s)) {
    case 'act': {
      const [target, action, ...words] = s.act!.split(' ')
      try {
        return { ok: true, detail: await d.act(target!, action!, parseArgWords(words)) }
      } catch (e) {
        if (s.optional && (e as { code?: string }).code === 'REFUSED') return { ok: true, detail: `refused, and that is fine here: ${(e as Error).message}` }
        throw e
      }
    }
    case 'expect':
      return retry(s.within, signal, d, () => holds(s.expect!, d))
    case 'exec':
      return retry(s.within, signal, d, () => execHolds(s.exec!, d, s.within))
    case 'sleep':
      await d.sleep(s.sleep!, signal)
      return { ok: !signal?.aborted, detail: signal?.aborted ? 'interrupted' : '' }
    case 'say':
      return { ok: true, detail: '' }
  }
}

export async function runScenario(sc: Scenario, d: ScenarioDeps, onStep: (r: StepReport) => void = () => {}, signal?: AbortSignal): Promise<ScenarioReport> {
  const t0 = d.now()
  const reports: StepReport[] = []
  const record = (r: StepReport): void => {
    reports.push(r)
    d.note(`scenario ${sc.name}: ${r.section === 'steps' ? '' : `${r.section} `}${r.n}. ${r.text} — ${outcomeWord(r)}${r.detail ? `: ${r.detail}` : ''}`)
    onStep(r)
  }
  const section = async (name: StepReport['section'], steps: ScenarioStep[], stopAtFailure: boolean): Promise<boolean> => {
    let allOk = true
    for (const [i, s] of steps.entries()) {
      const text = describeStep(s)
      if ((!allOk && stopAtFailure) || (signal?.aborted && name === 'steps')) {
        record({ section: name, n: i + 1, text, ok: null, ms: 0 })
        continue
      }
      const start = d.now()
      const r = await runStep(s, d, signal).catch((e: unknown) => ({ ok: false, detail: e instanceof Error ? e.message : String(e) }))
      record({ section: name, n: i + 1, text, ok: r.ok, ms: d.now() - start, ...(r.detail ? { detail: r.detail } : {}) })
      allOk &&= r.ok
    }
    return allOk
  }
  d.note(`scenario ${sc.name}: started${sc.description ? ` — ${sc.description.trim()}` : ''}`)
  let ok: boolean
  const hd = { exec: d.exec, now: () => d.now(), sleep: (ms: number) => d.sleep(ms, signal), ...(d.password ? { password: (u: string) => d.password!(u) } : {}) }
  let workload: ReturnType<typeof runWorkload> | undefined
  try {
    if (sc.up) await d.up(sc.up)
    // the workload sends while the steps run (the incident happens under load), and stops before cleanup
    if (sc.workload) workload = runWorkload(sc.workload, hd)
    ok = await section('steps', sc.steps, true)
  } catch (e) {
    record({ section: 'steps', n: 0, text: `up ${sc.up!.join(', ')}`, ok: false, ms: d.now() - t0, detail: e instanceof Error ? e.message : String(e) })
    ok = false
  }
  const sent: SentMessage[] | undefined = await workload?.stop()
  // cleanup restores what the steps broke: every cleanup step runs even when one fails
  const cleaned = await section('cleanup', sc.cleanup, false)
  let checked = true
  if (sc.workload && workload && sent) {
    const start = d.now()
    const text = `mail history: every message the workload sent, on ${sc.workload.stores.join(' and ')}`
    try {
      const h = await settleAndCheck(sc.workload, workload.runTag, sent, hd)
      const unmet = unmetExpectations(h, sc.expect?.mail)
      checked = !unmet.length
      record({ section: 'history', n: 1, text, ok: checked, ms: d.now() - start, detail: `${unmet.length ? `${unmet.join('; ')} — ` : ''}${describeHistory(h)}`, values: historyValues(h) })
    } catch (e) {
      checked = false
      record({ section: 'history', n: 1, text, ok: false, ms: d.now() - start, detail: e instanceof Error ? e.message : String(e) })
    }
  }
  const report = { name: sc.name, ok: ok && cleaned && checked && !signal?.aborted, ms: d.now() - t0, steps: reports }
  d.note(`scenario ${sc.name}: ${report.ok ? 'passed' : signal?.aborted ? 'interrupted' : 'FAILED'} in ${(report.ms / 1000).toFixed(1)} s`)
  return report
}
