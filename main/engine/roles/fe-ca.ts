// The lab CA: made once per lab by the first frontend that starts (racklab-ca init, in its tls volume),
// then copied to every frontend so all of them present certificates from the same CA. When frontends
// disagree (a volume was lost, or two started at once), the OLDEST CA wins, so a CA people already
// trust is never replaced by a newer one.
import type { HookContext } from './types'

interface CaCopy {
  server: string
  bundle: string
  notBefore: number
}

// afterHealthy hooks of one `up` run in parallel inside this process: one CA decision at a time per lab
const locks = new Map<string, Promise<void>>()

async function caOf(c: HookContext, server: string): Promise<CaCopy | undefined> {
  const st = await c.exec(server, ['racklab-ca', 'status']).catch(() => undefined)
  if (st?.exitCode !== 0) return undefined
  const nb = (JSON.parse(st.stdout) as { ca: { notBefore: number } | null }).ca?.notBefore
  if (nb === undefined) return undefined
  const ex = await c.exec(server, ['racklab-ca', 'export'])
  return ex.exitCode === 0 ? { server, bundle: ex.stdout, notBefore: nb } : undefined
}

/** Make this frontend use the lab CA (the oldest any running frontend has) and hold a certificate from it. */
export function adoptLabCa(c: HookContext): Promise<void> {
  const prev = locks.get(c.labId) ?? Promise.resolve()
  const next = prev.catch(() => undefined).then(async () => {
    const copies = (await Promise.all(c.serversOf('fe').map((s) => caOf(c, s)))).filter((x): x is CaCopy => !!x)
    copies.sort((a, b) => a.notBefore - b.notBefore)
    const oldest = copies[0]
    if (!oldest) throw new Error(`${c.server.id}: no frontend has a CA (racklab-ca init should have made one at start)`)
    for (const fe of new Set([c.server.id, ...copies.map((x) => x.server)])) {
      const mine = copies.find((x) => x.server === fe)
      if (mine && mine.bundle === oldest.bundle) continue
      const imp = await c.exec(fe, ['racklab-ca', 'import'], { stdin: oldest.bundle })
      if (imp.exitCode !== 0) throw new Error(`${fe}: could not install the lab CA: ${(imp.stderr || imp.stdout).trim()}`)
      const ens = await c.exec(fe, ['racklab-ca', 'ensure'])
      if (ens.exitCode !== 0) throw new Error(`${fe}: could not issue its certificate: ${(ens.stderr || ens.stdout).trim()}`)
    }
  })
  locks.set(c.labId, next)
  return next
}
