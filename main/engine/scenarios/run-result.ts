// A scenario run's result as a file: its steps, the state changes each step caused (read back from the journal),
// and, against a stored run, what differs step by step. CI reads the JUnit form. Pure, so the comparisons are
// tested on made-up runs.
import type { JournalEntry, ScenarioStepResult } from '@contract/status'
import { messageClass } from '../monitor/result-changes'

export interface RunStep extends ScenarioStepResult {
  /** the journal's state changes between the end of the previous step and the end of this one */
  changes: string[]
}

export interface RunResult {
  name: string
  file: string
  ok: boolean
  /** when the run started (ISO) */
  at: string
  ms: number
  steps: RunStep[]
}

const stepKey = (s: Pick<ScenarioStepResult, 'section' | 'n'>): string => `${s.section} ${s.n}`

/** "scenario NAME: [cleanup |history ]N. …" is journaled when a step ends (runner.ts) */
function stepEnd(name: string, e: JournalEntry): string | undefined {
  if (e.target !== 'scenario') return undefined
  const m = new RegExp(`^scenario ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (?:(cleanup|history) )?(\\d+)\\. `).exec(e.text)
  return m ? `${m[1] ?? 'steps'} ${m[2]}` : undefined
}

/** each step with the state changes journaled while it ran (in journal order) */
export function attachChanges(name: string, steps: ScenarioStepResult[], journal: JournalEntry[]): RunStep[] {
  const byStep = new Map<string, string[]>()
  let pending: string[] = []
  for (const e of journal) {
    const end = stepEnd(name, e)
    if (end) {
      byStep.set(end, pending)
      pending = []
    } else if (e.kind === 'state') pending.push(e.text)
  }
  return steps.map((s) => ({ ...s, changes: byStep.get(stepKey(s)) ?? [] }))
}

export interface StepDifference {
  step: string
  what: 'missing' | 'extra' | 'outcome' | 'seen' | 'changes' | 'timing' | 'values'
  was: string
  now: string
}

export interface CompareOptions {
  /** a step's time may differ by this much, or by `toleranceRatio` of the stored time, whichever is larger */
  toleranceMs: number
  toleranceRatio: number
}

export const DEFAULT_TOLERANCE: CompareOptions = { toleranceMs: 5000, toleranceRatio: 0.5 }

const outcome = (ok: boolean | null): string => (ok === null ? 'not run' : ok ? 'ok' : 'failed')
// numbers and hex ids differ between runs of the same story ("3 queued", a queue id): compare their shape
const shape = (s: string | undefined): string => messageClass(s ?? '')
const fmt = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

export function compareRuns(was: RunResult, now: RunResult, o: CompareOptions = DEFAULT_TOLERANCE): StepDifference[] {
  const out: StepDifference[] = []
  const label = (s: ScenarioStepResult): string => `${s.section === 'steps' ? '' : `${s.section} `}${s.n}. ${s.text}`
  const nowBy = new Map(now.steps.map((s) => [stepKey(s), s]))
  const wasBy = new Map(was.steps.map((s) => [stepKey(s), s]))
  for (const w of was.steps) {
    const n = nowBy.get(stepKey(w))
    if (!n) {
      out.push({ step: label(w), what: 'missing', was: outcome(w.ok), now: 'not in this run' })
      continue
    }
    const step = label(n)
    if (w.ok !== n.ok) out.push({ step, what: 'outcome', was: outcome(w.ok), now: outcome(n.ok) })
    else if (shape(w.detail) !== shape(n.detail)) out.push({ step, what: 'seen', was: w.detail ?? '', now: n.detail ?? '' })
    const wc = w.changes.map(shape)
    const nc = n.changes.map(shape)
    if (wc.join('\n') !== nc.join('\n')) out.push({ step, what: 'changes', was: w.changes.join('; ') || '(none)', now: n.changes.join('; ') || '(none)' })
    if (w.ok !== null && n.ok !== null && Math.abs(n.ms - w.ms) > Math.max(o.toleranceMs, o.toleranceRatio * w.ms)) out.push({ step, what: 'timing', was: fmt(w.ms), now: fmt(n.ms) })
    const keys = [...new Set([...Object.keys(w.values ?? {}), ...Object.keys(n.values ?? {})])].filter((k) => !/Ms$/.test(k))
    const vd = keys.filter((k) => w.values?.[k] !== n.values?.[k])
    if (vd.length) out.push({ step, what: 'values', was: vd.map((k) => `${k} ${w.values?.[k] ?? '-'}`).join(', '), now: vd.map((k) => `${k} ${n.values?.[k] ?? '-'}`).join(', ') })
  }
  for (const n of now.steps) if (!wasBy.has(stepKey(n))) out.push({ step: label(n), what: 'extra', was: 'not in the stored run', now: outcome(n.ok) })
  return out
}

export function describeDifferences(d: StepDifference[]): string {
  if (!d.length) return 'same outcome as the stored run, step by step'
  return `${d.length} difference${d.length === 1 ? '' : 's'} from the stored run:\n` + d.map((x) => `  ${x.step}: ${x.what}: was ${x.was.replace(/\n/g, ' ')} — now ${x.now.replace(/\n/g, ' ')}`).join('\n')
}

const xml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')

/** JUnit XML: one testsuite for the run, one testcase per step (failed → <failure>, not run → <skipped>) */
export function toJunit(r: RunResult): string {
  const failures = r.steps.filter((s) => s.ok === false).length
  const skipped = r.steps.filter((s) => s.ok === null).length
  const cases = r.steps.map((s) => {
    const head = `    <testcase classname="${xml(`scenario.${r.name}.${s.section}`)}" name="${xml(`${s.n}. ${s.text}`)}" time="${(s.ms / 1000).toFixed(3)}"`
    const out = [s.detail, ...s.changes.map((c) => `state: ${c}`)].filter(Boolean).join('\n')
    const body = s.ok === false ? `      <failure message="${xml((s.detail ?? 'failed').split('\n')[0]!.slice(0, 300))}">${xml(s.detail ?? '')}</failure>\n` : s.ok === null ? '      <skipped message="not run: an earlier step failed"/>\n' : ''
    const sysout = out ? `      <system-out>${xml(out)}</system-out>\n` : ''
    return body || sysout ? `${head}>\n${body}${sysout}    </testcase>` : `${head}/>`
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="racklab" tests="${r.steps.length}" failures="${failures}" skipped="${skipped}" time="${(r.ms / 1000).toFixed(3)}">`,
    `  <testsuite name="${xml(r.name)}" tests="${r.steps.length}" failures="${failures}" skipped="${skipped}" time="${(r.ms / 1000).toFixed(3)}" timestamp="${xml(r.at)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}
