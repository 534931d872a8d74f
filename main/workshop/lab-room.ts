// What the workshop server knows of each lab, refreshed every few seconds from the lab's own engine: health,
// alerts, last action, and the exercise's grade. Grading happens here, on the server, from the monitor's probe
// results and the lab's state: nothing a browser sends counts. Scores are saved beside the workshop file, so a
// restart (or a lab killed mid-exercise) keeps what was earned.
import type { Cmd, CmdIn, CmdOut } from '@contract/commands'
import type { JournalEntry } from '@contract/status'
import type { WorkshopBroadcast, WorkshopLabView } from '@contract/workshop'
import { grade, maxScore, newScore, progress, revealHint, scoreOf, timeLeftMs, type LabScore } from '../engine/scenarios/grading'
import type { Scenario } from '../engine/scenarios/schema'
import { loadScores, saveScores } from './scores-file'
import type { Workshop } from './workshop-file'

export interface LabCaller {
  call<C extends Cmd>(cmd: C, arg?: CmdIn<C>): Promise<CmdOut<C>>
}

export type LabView = WorkshopLabView
export type Broadcast = WorkshopBroadcast

export class LabRoom {
  readonly views = new Map<string, LabView>()
  readonly scores: Record<string, LabScore>
  readonly messages: Broadcast[] = []
  private lastSeq = new Map<string, number>()
  /** labs being reset: not graded until they are broken again */
  private held = new Set<string>()

  constructor(
    readonly workshop: Workshop,
    readonly exercise: Scenario | undefined,
    private readonly labs: Map<string, LabCaller>,
    private readonly scoresFile: string,
    private readonly now: () => number = Date.now,
    report: (text: string) => void = () => undefined,
  ) {
    this.scores = loadScores(scoresFile, report)
    for (const l of workshop.labs) {
      this.scores[l.lab] ??= newScore(l.startedAt ?? now())
      this.views.set(l.lab, this.blankView(l.lab))
    }
  }

  private blankView(lab: string): LabView {
    const s = this.scores[lab]!
    const objectives = this.exercise ? progress(this.exercise, s) : []
    return {
      lab,
      engine: this.workshop.labs.find((l) => l.lab === lab)?.engine ?? 'local',
      reachable: false,
      problem: 'not refreshed yet',
      servers: { total: 0, running: 0, healthy: 0 },
      alerts: [],
      lastAction: null,
      objectives,
      step: objectives.find((o) => !o.done)?.text ?? null,
      score: scoreOf(s),
      maxScore: this.exercise ? maxScore(this.exercise) : 0,
      hintsTaken: s.hintsTaken,
      timeLeftMs: this.exercise ? timeLeftMs(this.exercise, s, this.now()) : null,
      updatedAt: null,
    }
  }

  caller(lab: string): LabCaller {
    const c = this.labs.get(lab)
    if (!c) throw new Error(`no lab ${lab} in workshop ${this.workshop.name}`)
    return c
  }

  /** ask the lab how it is, and grade it */
  async refresh(lab: string): Promise<LabView> {
    const c = this.caller(lab)
    const prev = this.views.get(lab)!
    try {
      const [status, probes, monitor, journal] = await Promise.all([
        c.call('lab.status'),
        c.call('lab.check', { fresh: false }),
        c.call('alerts.list'),
        c.call('journal.list', { since: this.lastSeq.get(lab) ?? 0, limit: 500 }),
      ])
      const present = status.servers.filter((s) => s.state !== 'absent')
      const action = [...journal].reverse().find((e: JournalEntry) => e.kind === 'action')
      if (journal.length) this.lastSeq.set(lab, journal[journal.length - 1]!.seq)
      if (this.exercise && !this.held.has(lab)) this.setScore(lab, grade(this.exercise, this.scores[lab]!, { probes, servers: status.servers, hardware: status.hardware }, this.now()))
      const view: LabView = {
        ...this.blankView(lab),
        reachable: true,
        // a lab brought up with --only has the topology's other servers absent: they are not its servers
        servers: { total: present.length, running: present.filter((s) => s.state === 'running').length, healthy: present.filter((s) => s.health === 'healthy').length },
        alerts: monitor.alerts.map((a) => ({ severity: a.severity, text: a.text })),
        lastAction: action ? { at: action.at, text: action.text } : prev.lastAction,
        updatedAt: new Date(this.now()).toISOString(),
      }
      delete view.problem
      this.views.set(lab, view)
      return view
    } catch (e) {
      // a lab that stopped answering keeps its row and its score; the dashboard says what happened
      const view = { ...prev, ...this.scoreFields(lab), reachable: false, problem: e instanceof Error ? e.message : String(e) }
      this.views.set(lab, view)
      return view
    }
  }

  async refreshAll(): Promise<LabView[]> {
    return Promise.all(this.workshop.labs.map((l) => this.refresh(l.lab)))
  }

  private scoreFields(lab: string): Pick<LabView, 'objectives' | 'step' | 'score' | 'hintsTaken' | 'timeLeftMs'> {
    const b = this.blankView(lab)
    return { objectives: b.objectives, step: b.step, score: b.score, hintsTaken: b.hintsTaken, timeLeftMs: b.timeLeftMs }
  }

  private setScore(lab: string, s: LabScore): void {
    if (this.scores[lab] === s) return
    this.scores[lab] = s
    saveScores(this.scoresFile, this.scores)
    this.views.set(lab, { ...this.views.get(lab)!, ...this.scoreFields(lab) })
  }

  hint(lab: string): { hint: string; score: number; hints: string[] } {
    if (!this.exercise) throw new Error('this workshop runs no exercise, so it has no hints')
    const r = revealHint(this.exercise, this.scores[lab]!)
    this.setScore(lab, r.score)
    return { hint: r.hint, score: scoreOf(r.score), hints: this.hintsShown(lab) }
  }

  hintsShown(lab: string): string[] {
    return (this.exercise?.hints ?? []).slice(0, this.scores[lab]!.hintsTaken).map((h) => h.text)
  }

  holdGrading(lab: string, hold: boolean): void {
    if (hold) this.held.add(lab)
    else this.held.delete(lab)
  }

  /** a lab put back to the start: its score starts again from now */
  resetScore(lab: string): void {
    this.setScore(lab, newScore(this.now()))
  }

  broadcast(text: string): Broadcast {
    const m = { at: new Date(this.now()).toISOString(), text }
    this.messages.push(m)
    if (this.messages.length > 50) this.messages.shift()
    return m
  }

  scoreboard(): { lab: string; score: number; maxScore: number; objectives: string; hintsTaken: number; reachable: boolean }[] {
    return this.workshop.labs.map((l) => {
      const v = this.views.get(l.lab)!
      return { lab: l.lab, score: v.score, maxScore: v.maxScore, objectives: v.objectives.filter((o) => o.done).map((o) => o.id).join(' '), hintsTaken: v.hintsTaken, reachable: v.reachable }
    })
  }
}

/** RFC 4180: quote every field that needs it */
export function toCsv(rows: Record<string, string | number | boolean>[]): string {
  if (!rows.length) return ''
  const field = (v: string | number | boolean): string => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))
  const keys = Object.keys(rows[0]!)
  return [keys.join(','), ...rows.map((r) => keys.map((k) => field(r[k]!)).join(','))].join('\n') + '\n'
}
