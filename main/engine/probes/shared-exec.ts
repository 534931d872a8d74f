// One run of a read-only status command for the probes that ask for it at the same moment. web.vips reads every
// frontend's racklab-fe-status and each web.upstreams reads its own frontend's, all on the fast cadence, so an
// idle lab ran that Perl script (an HTTP check per backend) twice per frontend per round; the second run, a
// moment after the first, told nothing new. A run still going is always shared: with six probes at a time the
// second asker can start seconds after the first, while that one waits on a slow backend.
import type { Exec, ExecOutput } from './db'

/** how long after it ended a run's output answers the same command again (a round's probes start within a
 *  tick or two) */
export const SHARE_WITHIN_MS = 2000

/** `ended`: when the run settled, undefined while it runs */
const runs = new WeakMap<Exec, Map<string, { ended?: number; out: Promise<ExecOutput> }>>()

/** `exec`, except that the same command on the same server started less than `withinMs` ago is not run again:
 *  its output (or its failure) is shared. Only for commands that change nothing. */
export function sharedExec(exec: Exec, withinMs = SHARE_WITHIN_MS, now: () => number = Date.now): Exec {
  let byCmd = runs.get(exec)
  if (!byCmd) runs.set(exec, (byCmd = new Map()))
  const book = byCmd
  return (server, cmd) => {
    const key = `${server}\0${cmd.join('\0')}`
    const t = now()
    const fresh = (r: { ended?: number }): boolean => r.ended === undefined || t - r.ended < withinMs
    const last = book.get(key)
    if (last && fresh(last)) return last.out
    for (const [k, r] of book) if (!fresh(r)) book.delete(k)
    const run: { ended?: number; out: Promise<ExecOutput> } = { out: exec(server, cmd) }
    const settle = (): void => void (run.ended = now())
    run.out.then(settle, settle)
    book.set(key, run)
    return run.out
  }
}

/** every run of `exec` shared so far is shared no more: after an action, a status read begun before it (web.vips
 *  reading a frontend's status a moment before web2 stopped) must not answer a probe run after it ("all 2 web
 *  backends answer" with web2 down) */
export function forgetSharedRuns(exec: Exec): void {
  runs.delete(exec)
}
