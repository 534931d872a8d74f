// Workshop scores survive a restart, and a damaged scores file no longer stops `serve --workshop` from starting.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { newScore } from '../engine/scenarios/grading'
import { LabRoom } from './lab-room'
import { loadScores, saveScores } from './scores-file'
import { newWorkshop } from './workshop-file'

const fresh = (): { dir: string; file: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'racklab-scores-'))
  return { dir, file: join(dir, 'ws.scores.json') }
}

describe('workshop scores file', () => {
  it('round-trips, owner-only, with no temp file left', () => {
    const { dir, file } = fresh()
    const scores = { 'ws-1': { ...newScore(1000), achieved: { replication: { points: 10, at: 2000 } }, hintsTaken: 1, hintCost: 2 } }
    saveScores(file, scores)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['ws.scores.json'])
    const said: string[] = []
    expect(loadScores(file, (t) => said.push(t))).toEqual(scores)
    expect(said).toEqual([])
  })

  it('a torn or misshapen file is named, kept aside and replaced by fresh scores', () => {
    for (const [text, why] of [['{"ws-1":{"startedAt":1', /not valid JSON/], ['{"ws-1":{"startedAt":"x"}}', /ws-1\.startedAt: .*expected number/]] as const) {
      const { dir, file } = fresh()
      writeFileSync(file, text)
      const said: string[] = []
      expect(loadScores(file, (t) => said.push(t))).toEqual({})
      expect(said).toHaveLength(1)
      expect(said[0]).toMatch(why)
      expect(said[0]).toMatch(/ws\.scores\.json is unreadable: .*kept it as ws\.scores\.json\.corrupt-.*; every lab starts from a fresh score$/)
      expect(readFileSync(join(dir, readdirSync(dir).find((n) => n.startsWith('ws.scores.json.corrupt-'))!), 'utf8')).toBe(text)
    }
  })

  it('the workshop room starts on a torn scores file (was: SyntaxError from its constructor), every lab from a fresh score', () => {
    const { file } = fresh()
    writeFileSync(file, '{"ws-1":')
    const said: string[] = []
    const w = newWorkshop('ws', 2)
    const room = new LabRoom(w, undefined, new Map(), file, () => 5000, (t) => said.push(t))
    expect(room.scores).toEqual({ 'ws-1': newScore(5000), 'ws-2': newScore(5000) })
    expect(said).toEqual([expect.stringContaining('ws.scores.json is unreadable')])
  })
})
