// The way back from each action: trainers' "put it back" (`racklab undo`) and a scenario's recorded cleanup.
// An action with no inverse says why, in words a person can act on.
import type { Inverse, InverseRule } from './types'

/** pairs whose inverse takes the same arguments (block port 3306 ↔ unblock port 3306) */
const sameArgPairs: [string, string][] = [['firewall-block', 'firewall-unblock']]

/** the inverse to record for an action run with `args` */
export function resolveInverse(rule: InverseRule | ((args: Record<string, string>) => Inverse), args: Record<string, string>): Inverse {
  if (typeof rule === 'function') return rule(args)
  return 'sameArgs' in rule ? { action: rule.action, args: { ...args } } : rule
}

const pairs: [string, string][] = [
  ['power-off', 'power-on'],
  ['run-hot', 'run-idle'],
  ['fail-switch', 'repair-switch'],
  ['unplug', 'plug'],
  ['blackout', 'restore-utility'],
  ['trip', 'reset'],
  ['pull', 'insert'],
  ['fail-battery', 'replace-battery'],
  ['fail-controller', 'replace-controller'],
  ['stop-nginx', 'start-nginx'],
  ['expire-cert', 'renew-cert'],
  ['promote', 'fail-back'],
  ['stop', 'start'],
  ['pause', 'unpause'],
  ['fail-disk', 'replace-disk'],
  ['fill', 'unfill'],
  // network faults (main/engine/netfault)
  ['add-latency', 'remove-latency'],
  ['add-loss', 'remove-loss'],
  ['limit-bandwidth', 'unlimit-bandwidth'],
]
const oneWay: Record<string, string> = {
  'hold-power': 'power-on',
  fail: 'replace',
  kill: 'start',
  // bit rot is undone by a scrub, which finds the bad copy and repairs it from a good one
  'rot-blob': 'scrub',
}
const none: Record<string, string> = {
  create: 'a pool created anew starts empty: the backups that were on the lost pool are gone (take a backup: a new full)',
  recreate: 'a recreated array starts empty: the data that was on it is gone (restore it from a replica or backup)',
  'fail-random-disk': 'which disk failed is in the journal: replace that disk (disk:ENCLOSURE/BAY replace)',
  restock: 'spares put on the shelf stay there',
  learn: 'a battery learn cycle ends by itself',
  resync: 'a resync copies mail; there is nothing to put back',
  scrub: 'a scrub only checks and repairs copies; there is nothing to put back',
  replicate: 'replication only adds missing copies; there is nothing to put back',
  collect: 'garbage collection removes only blobs no file names (after a grace period); there is nothing to put back',
  'backup-now': 'a backup only adds a snapshot; retention removes old ones',
  rebuild: 'a rebuilt replica holds what the primary holds: there is nothing to put back',
  'restore-db': 'a restore replaces the database with an earlier point: take a backup first if you may want the present back',
  restart: 'a restarted server is running again',
  replace: 'a replaced part is new; fail it again to break it',
  repair: 'a repaired part works; fail it again to break it',
}

export function inverseOf(target: string, action: string): InverseRule {
  for (const [a, b] of sameArgPairs) {
    if (action === a) return { action: b, sameArgs: true }
    if (action === b) return { action: a, sameArgs: true }
  }
  // fail on a PDU or a PSU is undone by repair/replace; on a disk or enclosure by replace
  if (action === 'fail' && target.startsWith('pdu:')) return { action: 'repair' }
  if (action === 'fail' && target.startsWith('psu:')) return { action: 'replace' }
  for (const [a, b] of pairs) {
    if (action === a) return { action: b }
    if (action === b) return { action: a }
  }
  if (oneWay[action]) return { action: oneWay[action] }
  const vip = /^(move|return)-vip-(.+)$/.exec(action)
  if (vip) return { action: `${vip[1] === 'move' ? 'return' : 'move'}-vip-${vip[2]}` }
  if (none[action]) return { none: none[action] }
  return { none: `no recorded way back from ${action}` }
}
