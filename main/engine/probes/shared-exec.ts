// One run of a read-only status command for the probes that ask for it at the same moment. web.vips reads every
// frontend's racklab-fe-status and each web.upstreams reads its own frontend's, all on the fast cadence, so an
// idle lab ran that Perl script (an HTTP check per backend and an openssl) twice per frontend per round; the
// second run, a moment after the first, told nothing new.
import type { Exec, ExecOutput } from './db'

/** how long a run's output answers the same command again (a round's probes start within a tick or two) */
export const SHARE_WITHIN_MS = 2000

const runs = new WeakMap<Exec, Map<string, { at: number; out: Promise<ExecOutput> }>>()

/** `exec`, except that the same command on the same server started less than `withinMs` ago is not run again:
 *  its output (or its failure) is shared. Only for commands that change nothing. */
export function sharedExec(exec: Exec, withinMs = SHARE_WITHIN_MS, now: () => number = Date.now): Exec {
  let byCmd = runs.get(exec)
  if (!byCmd) runs.set(exec, (byCmd = new Map()))
  const book = byCmd
  return (server, cmd) => {
    const key = `${server}\0${cmd.join('\0')}`
    const t = now()
    const last = book.get(key)
    if (last && t - last.at < withinMs) return last.out
    for (const [k, r] of book) if (t - r.at >= withinMs) book.delete(k)
    const out = exec(server, cmd)
    book.set(key, { at: t, out })
    return out
  }
}
