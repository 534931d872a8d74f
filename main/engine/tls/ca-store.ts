// Where the lab CA lives: <lab state>/ca/ (0700) with ca.crt and ca.key (0600). Kept across `up`s so the CA a
// person trusted stays the lab's CA; replaced only when it has expired, its files are unusable, or the lab's
// domain or subnets changed (its name constraints would no longer cover the lab).
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createPrivateKey } from 'node:crypto'
import { join } from 'node:path'
import { writeFileAtomic } from '../state/atomic-file'
import { LabAuthority } from './authority'
import { sameScope, type CaScope } from './ca-scope'

export const caDir = (stateDir: string): string => join(stateDir, 'ca')
/** why a CA was made when the lab had none before */
export const NO_CA_YET = 'there was none'

/** the stored CA, or why it can't be used as the lab's CA now */
function loadStored(dir: string, scope: CaScope, now: Date): LabAuthority | string {
  const crt = join(dir, 'ca.crt')
  const key = join(dir, 'ca.key')
  if (!existsSync(crt) || !existsSync(key)) return NO_CA_YET
  let ca: LabAuthority
  try {
    ca = new LabAuthority(readFileSync(crt, 'utf8'), createPrivateKey(readFileSync(key, 'utf8')))
  } catch (e) {
    return `the stored one in ${dir} could not be read (${(e as Error).message})`
  }
  chmodSync(key, 0o600)
  if (now >= ca.notAfter) return `the previous one expired on ${ca.notAfter.toISOString()}`
  if (!sameScope(ca.scope, scope)) return `the lab's domain or subnets changed (the previous one covered ${[...ca.scope.dns, ...ca.scope.ip].join(', ')})`
  return ca
}

/** The lab CA from the state dir, made (and stored) first when there is no usable one. `made` says why a new one was made. */
export async function loadOrMakeLabCa(stateDir: string, labId: string, scope: CaScope, now = new Date()): Promise<{ ca: LabAuthority; made?: string }> {
  const dir = caDir(stateDir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  const stored = loadStored(dir, scope, now)
  if (typeof stored !== 'string') return { ca: stored }
  const { authority, keyPem } = await LabAuthority.create(labId, scope, now)
  // each an fsynced temp renamed over (state/atomic-file.ts); key first: a crash between the two leaves a
  // certificate that does not match its key, which reads as unusable
  writeFileAtomic(join(dir, 'ca.key'), keyPem, 0o600)
  writeFileAtomic(join(dir, 'ca.crt'), authority.certPem, 0o644)
  return { ca: authority, made: stored }
}

/**
 * One lab's CA for the engine: loaded (or made) once, then reused until it expires. Calls are serialised so
 * the frontends' and the edge's hooks, which run in parallel during `up`, never make two CAs.
 */
export class LabCaKeeper {
  private current: Promise<LabAuthority> | undefined

  constructor(
    private readonly stateDir: string,
    private readonly labId: string,
    private readonly scope: () => CaScope,
    private readonly onMade: (ca: LabAuthority, why: string) => void,
  ) {}

  get(): Promise<LabAuthority> {
    const prev = this.current
    this.current = (async () => {
      const have = await prev?.catch(() => undefined)
      if (have && new Date() < have.notAfter) return have
      const { ca, made } = await loadOrMakeLabCa(this.stateDir, this.labId, this.scope())
      if (made) this.onMade(ca, made)
      return ca
    })()
    return this.current
  }
}
