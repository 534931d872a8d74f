// Which Docker engine a lab lives on: ~/.racklab/<lab>/engine.json, written by `up` (and `workshop create`) when
// it places the lab, read by every later command, so a lab's commands all reach the engine that holds it.
// A lab lives whole on one engine (its networks are bridges there). No record: the environment's engine.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeJsonAtomic } from '../state/atomic-file'
import type { EngineEntry } from './engine-entry'

export interface LabEngineRecord {
  engine: string
  host: string
  certPath?: string
  placedAt?: string
}

// checked by hand, not zod: every command reads this on its fast path
const isRecord = (v: unknown): v is LabEngineRecord => {
  const r = v as Partial<Record<keyof LabEngineRecord, unknown>> | null
  return !!r && typeof r === 'object' && typeof r.engine === 'string' && typeof r.host === 'string' && (r.certPath === undefined || typeof r.certPath === 'string')
}

export const labEngineFile = (stateDir: string): string => join(stateDir, 'engine.json')

/** the lab's record, or undefined (none, or unreadable: then the lab is where the environment says) */
export function readLabEngine(stateDir: string): LabEngineRecord | undefined {
  const file = labEngineFile(stateDir)
  if (!existsSync(file)) return undefined
  try {
    const r: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return isRecord(r) ? r : undefined
  } catch {
    return undefined
  }
}

export function writeLabEngine(stateDir: string, e: EngineEntry): void {
  writeJsonAtomic(labEngineFile(stateDir), { engine: e.name, host: e.host, ...(e.certPath ? { certPath: e.certPath } : {}), placedAt: new Date().toISOString() })
}
