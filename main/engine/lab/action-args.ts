// The values an action takes are checked against the choices the engine listed for it, before anything runs:
// a wrong name or value is refused with what was expected, and nothing is half-applied.
import { LabError } from '@contract/lab-error'
import type { ActionParam } from '@contract/status'

export type ActionArgs = Record<string, string>

/** `what` names the action in messages ("resync server:imap2"); returns the args when they fit */
export function checkActionArgs(what: string, params: readonly ActionParam[] | undefined, args: ActionArgs = {}): ActionArgs {
  const known = params ?? []
  for (const name of Object.keys(args)) {
    if (known.some((p) => p.id === name)) continue
    throw new LabError('BAD_INPUT', known.length ? `${what} has no parameter "${name}" (it takes: ${known.map((p) => p.id).join(', ')})` : `${what} takes no parameters (got "${name}")`)
  }
  for (const p of known) {
    const value = args[p.id]
    if (value === undefined) {
      if (!p.optional) throw new LabError('BAD_INPUT', `${what} needs ${p.id}=… (one of: ${p.choices.join(', ')})`)
      continue
    }
    if (!p.choices.includes(value)) throw new LabError('BAD_INPUT', `${what}: ${p.id} "${value}" is not one of: ${p.choices.join(', ') || '(none right now)'}`)
  }
  return args
}

/** `name=value` words from a command line (`racklab act server:imap2 resync user=alice`) */
export function parseArgWords(words: readonly string[]): ActionArgs {
  const args: ActionArgs = {}
  for (const w of words) {
    const m = /^([a-z][a-z0-9-]*)=(.+)$/.exec(w)
    if (!m) throw new LabError('BAD_INPUT', `"${w}" is not NAME=VALUE (e.g. user=alice); racklab actions TARGET lists what each action takes`)
    if (m[1]! in args) throw new LabError('BAD_INPUT', `"${m[1]}" is given twice`)
    args[m[1]!] = m[2]!
  }
  return args
}
