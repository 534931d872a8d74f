// What the engine does to a server each time its container starts: load its
// firewall (firewall/apply.ts) and start its sshd with the lab's keys (ssh/start.ts). Both live in the
// container's namespace and die with it, so every start (up, power-on, Start, Restart) runs them again.
// In parallel: each is an exec (1–4 s each at load 65), and neither needs the other — the role's own daemons
// start with the container anyway, before either is loaded. A firewall that can't load fails the start (a server
// must not run open); an sshd that can't start does not: the server serves its role, the journal says why SSH is
// missing until its next start.
import { applyFirewall } from '../firewall/apply'
import { startSshd } from '../ssh/start'
import type { LifecycleContext } from './lab-context'

export async function afterStart(lab: Pick<LifecycleContext, 'hookContext' | 'sshKeys' | 'journal'>, server: string): Promise<void> {
  const c = lab.hookContext(server)
  const noSsh = (e: unknown): void => void lab.journal.append({ kind: 'engine', target: `server:${server}`, text: `${(e as Error).message}; racklab ssh ${server} fails until its next start` })
  await Promise.all([applyFirewall(c), startSshd(c, lab.sshKeys).catch(noSsh)])
}
