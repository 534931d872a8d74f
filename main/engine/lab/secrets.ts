// Per-lab passwords for service accounts, made once and kept with the lab's state so a restarted app adopts the lab.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { loadJsonState, writeJsonAtomic } from '../state/atomic-file'
import { restrictToOwner } from '../state/state-dir'

const SecretsSchema = z.object({ repl: z.string().min(1), app: z.string().min(1), backup: z.string().min(1), cyrus: z.string().min(1) }).partial()
export type LabSecrets = Required<z.infer<typeof SecretsSchema>>

const fresh = (): string => randomBytes(12).toString('base64url')

/** The lab's secrets; missing ones are made. A damaged file is set aside and reported, never fatal: the app
 *  must still start, and a person can put the kept file back (or `down --volumes` to re-provision). */
export function loadSecrets(file: string, report: (problem: string) => void = () => undefined): LabSecrets {
  const made: LabSecrets = { repl: fresh(), app: fresh(), backup: fresh(), cyrus: fresh() }
  const loaded = loadJsonState(file, SecretsSchema)
  if (loaded.state === 'corrupt')
    report(`${loaded.problem}. New service passwords were made: servers provisioned with the old ones refuse them until the kept file is renamed back to secrets.json, or the lab is taken down with its volumes and brought up again`)
  const have = loaded.state === 'ok' ? loaded.value : {}
  const merged: LabSecrets = { ...made, ...have }
  if (loaded.state !== 'ok' || Object.keys(have).length !== Object.keys(merged).length) writeJsonAtomic(file, merged, 0o600)
  else restrictToOwner(file)
  return merged
}
