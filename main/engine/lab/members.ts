// The servers `up` brought into the lab (members.json): only these does the hardware boot again by itself.
import { z } from 'zod'
import { loadJsonState, writeJsonAtomic } from '../state/atomic-file'

/** A damaged list is read as none: the hardware then restarts nothing by itself until the next `up`, the safe side. */
export function loadMembers(file: string, report: (problem: string) => void = () => undefined): Set<string> {
  const loaded = loadJsonState(file, z.array(z.string()))
  if (loaded.state === 'corrupt') report(`${loaded.problem}; no server counts as brought up until the next up`)
  return new Set(loaded.state === 'ok' ? loaded.value : [])
}

export function saveMembers(file: string, members: Iterable<string>): void {
  writeJsonAtomic(file, [...members])
}
