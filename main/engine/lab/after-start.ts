// What the engine does to a server each time its container starts, before anything else reaches it: load its
// firewall (firewall/apply.ts) and start its sshd with the lab's keys (ssh/start.ts). Both live in the
// container's namespace and die with it, so every start (up, power-on, Start, Restart) runs them again.
import { applyFirewall } from '../firewall/apply'
import { startSshd } from '../ssh/start'
import type { LifecycleContext } from './lab-context'

export async function afterStart(lab: Pick<LifecycleContext, 'hookContext' | 'sshKeys'>, server: string): Promise<void> {
  const c = lab.hookContext(server)
  await applyFirewall(c)
  await startSshd(c, lab.sshKeys)
}
