// A lab's state folder holds its service passwords and its history: owner-only, even when an older Racklab (or
// a umask) created it world-readable.
import { chmodSync, mkdirSync } from 'node:fs'
import { STATE_DIR_MODE } from './atomic-file'

export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE })
  // Windows has no owner/group/other bits; chmod there only toggles read-only, so it is skipped
  if (process.platform !== 'win32') chmodSync(dir, STATE_DIR_MODE)
}

/** Secrets are owner-only whatever mode an existing file had. */
export function restrictToOwner(file: string): void {
  if (process.platform !== 'win32') chmodSync(file, 0o600)
}
