// A lab being removed for good (racklab workshop down): from the moment the lab is down until its state dir is
// gone, the dir carries a mark, and a long-lived client that sees the lab's engine stop (serve's links, which start
// it again after a crash) leaves it stopped. Without it, serve started the engine again in the dir being deleted
// and workshop down failed with ENOTEMPTY (seen in a fresh-clone npm test).
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const MARK = 'removing'

/** the lab whose state dir this is is being removed: no engine is started for it again */
export function markRemoving(stateDir: string): void {
  if (existsSync(stateDir)) writeFileSync(join(stateDir, MARK), `${process.pid}\n`)
}

/** true while the mark is there, and once the dir itself is gone */
export const beingRemoved = (stateDir: string): boolean => !existsSync(stateDir) || existsSync(join(stateDir, MARK))
