// Service actions on a Cyrus pair: promote a replica, fail back to the store's home, resync a damaged or
// empty copy. Each moves the database's master record (what the LMTP proxy routes by) and the Cyrus roles
// (who runs the rolling sync_client) together, using the imap image's commands (racklab-cyrus-role,
// racklab-mail-resync, racklab-mail-verify, racklab-mail-consistency). Every switch copies with Cyrus's
// own sync_client, whose copyback keeps records found on one side only, so no step deletes mail.
import { LabError } from '@contract/errors'
import { moveStore, mustExec, nodeState, readPair, reportOf, tryExec, type NodeState, type PairState } from './mail-pair'
import type { HookContext, RoleAction } from './types'
import { flushMailQueues } from './mail-flush'

interface Verify {
  messages: number
  problemCount: number
  problems: { user: string }[]
}
interface Consistency {
  ok: boolean
  differenceCount?: number
  differences?: { user: string }[]
  messages?: { master: number; replica: number }
  error?: string
}
const RESYNC_MS = 320_000

const storeUsers = (c: HookContext, home: string): { name: string; password: string }[] => c.topology.users.filter((u) => u.store === home).map((u) => ({ name: u.name, password: u.password }))
const usersStdin = (c: HookContext, home: string): string => storeUsers(c, home).map((u) => JSON.stringify(u)).join('\n') + '\n'

/**
 * `to`'s address for a pass from its peer. Through the context's ipOf (which a test may remap), not the
 * topology: the pair shares its one network, so this server's own address is what its peer dials.
 */
const addressOf = (c: HookContext, to: string): string => c.ipOf(to)

/** one sync_client pass from `from` to `to` (all users, or some) */
async function push(c: HookContext, from: string, to: string, users?: string[]): Promise<void> {
  const what = users?.length ? users.flatMap((u) => ['--user', u]) : ['--all']
  await mustExec(c, from, ['racklab-mail-resync', '--to', addressOf(c, to), ...what], RESYNC_MS)
}

/** make the node's Cyrus role agree with the database record */
async function alignRole(c: HookContext, id: string, master: string | undefined): Promise<void> {
  if (!master) return
  const want = master === id ? 'master' : 'replica'
  const now = await nodeState(c, id)
  if (now.up && now.role !== want) await mustExec(c, id, ['racklab-cyrus-role', want])
}

/**
 * Make `x` the master: the old master stops pushing, the record moves (new mail goes to `x`), whatever the old
 * master had not replicated yet is copied over, then `x` starts pushing to it.
 */
async function switchMaster(c: HookContext, p: PairState, x: string, old: NodeState): Promise<void> {
  if (old.up) await mustExec(c, old.id, ['racklab-cyrus-role', 'replica'])
  await moveStore(c, p.db!, p.store!, x, old.id)
  if (old.up) await push(c, old.id, x)
  await mustExec(c, x, ['racklab-cyrus-role', 'master'])
}

/** fill an empty copy (first start, rebuilt array) from its peer; LMTP opens once it holds the store */
export async function fillFromPeer(c: HookContext, p: PairState): Promise<string> {
  const x = p.self.id
  // the mailboxes (the peer's push) and the passwords (this node's sasldb) are independent: both at once, one
  // exec round trip less on the path of a first `up` and of a rebuilt array; LMTP opens only once both are done
  const both = await Promise.allSettled([push(c, p.peer.id, x), mustExec(c, x, ['racklab-cyrus-users', '--no-create'], 60_000, usersStdin(c, p.home))])
  for (const r of both) if (r.status === 'rejected') throw r.reason
  await mustExec(c, x, ['racklab-cyrus-role', '--resynced'])
  await alignRole(c, x, p.store?.master)
  const v = await mustExec<Verify>(c, x, ['racklab-mail-verify', '--json'], 120_000).catch(() => undefined)
  return `${x}'s empty copy filled from ${p.peer.id}${v ? ` (${v.messages} messages, files checked by GUID)` : ''}; LMTP open again`
}

const usersOf = (list: { user: string }[] | undefined): string[] => (list ?? []).map((d) => d.user)

/** the users whose copies differ or have file problems on `x`, and how many differences that is */
async function damaged(c: HookContext, p: PairState): Promise<{ users: string[]; count: number }> {
  const x = p.self.id
  const v = JSON.parse((await tryExec(c, x, ['racklab-mail-verify', '--json'], 120_000)).stdout || '{}') as Partial<Verify>
  const cyrusMaster = p.store?.master === x ? x : p.peer.id
  const cons = JSON.parse((await tryExec(c, cyrusMaster, ['racklab-mail-consistency', '--json', '--settle', '3'], 120_000)).stdout || '{}') as Consistency
  return { users: [...new Set([...usersOf(v.problems), ...usersOf(cons.differences)])].sort(), count: (v.problemCount ?? 0) + (cons.differenceCount ?? 0) }
}

/**
 * Repair a copy that has data: reconstruct the damaged users (or the one asked for), then copy them again
 * from the other side.
 */
async function repair(c: HookContext, p: PairState, only?: string): Promise<string> {
  const x = p.self.id
  const peer = p.peer.id
  const isMaster = p.store?.master === x
  const found = only ? { users: [only], count: 0 } : await damaged(c, p)
  const users = found.users
  // a master must not push its own damage (a reconstruct drops missing files) before the good copy comes back
  if (isMaster && p.self.role === 'master') await mustExec(c, x, ['racklab-cyrus-role', 'replica'])
  if (users.length) await mustExec(c, x, ['racklab-mail-resync', '--reconstruct', ...users.flatMap((u) => ['--user', u])], RESYNC_MS)
  if (isMaster) await push(c, peer, x, users)
  await push(c, isMaster ? x : peer, isMaster ? peer : x, users)
  await alignRole(c, x, p.store?.master)
  // verify exits 1 while any file problem is left; after a one-user resync, other users' may rightly remain
  const verifyCmd = ['racklab-mail-verify', '--json']
  const after = reportOf<Verify>(x, verifyCmd, await tryExec(c, x, verifyCmd, 120_000))
  const left = [...new Set(usersOf(after.problems))]
  const stillBad = left.filter((u) => !only || u === only)
  if (stillBad.length) throw new Error(`${x}: the resync left file problems for ${stillBad.join(', ')} (${after.problemCount} in all); see racklab-mail-verify`)
  const why = only ? 'asked for by name' : `${found.count} differences found`
  const what = users.length ? `reconstructed and copied again ${users.join(', ')} (${why})` : 'nothing differed; one full pass copied nothing new'
  const others = left.length ? `; ${left.join(', ')} still ${left.length === 1 ? 'has' : 'have'} file problems: resync ${left.length === 1 ? 'that user' : 'them'} too` : ''
  return `${x}: ${what} from ${isMaster ? `${peer} (merged back both ways)` : peer}; now ${after.messages} messages, ${after.problemCount} file problems${others}`
}

export async function mailActions(c: HookContext): Promise<RoleAction[]> {
  const p = await readPair(c)
  if (!p) return []
  const x = p.self.id
  const peer = p.peer.id
  const isHome = x === p.home
  const store = p.store
  const down = (n: NodeState): string => `${n.id} is down${n.error ? ` (${n.error})` : ''}: start it first`
  const dbRefusal = store ? undefined : `the store's master record can't be read: ${p.dbError ?? 'unknown'}`

  const promoteRefused =
    (!p.self.up && down(p.self)) ||
    (p.self.awaitingResync && `${x}'s copy is empty until it is resynced from ${peer}: run resync first`) ||
    dbRefusal ||
    (store!.master === x && p.self.role === 'master' && `${x} is already the master of ${store!.id}`) ||
    (isHome && p.peer.up && `${x} is the store's home: use fail-back, which first copies back the mail ${peer} took while it was master`) ||
    undefined
  const actions: RoleAction[] = [
    {
      id: 'promote',
      label: `Promote ${x} to master of its mail store`,
      kind: 'operate',
      ...(promoteRefused ? { refused: promoteRefused } : {}),
      run: async () => {
        await switchMaster(c, p, x, p.peer)
        await flushMailQueues(c)
        const after = p.peer.up ? `${peer} stopped pushing, its unreplicated changes were copied over and it is now the replica` : `${peer} is down: mail it had not replicated stays on it until ${isHome ? 'it is resynced' : `fail-back on ${peer}`}`
        return `${x} is now the master of ${store!.id} (stores.master_slot on ${p.db}; the MX delivers here from its next message); ${after}. Inverse: ${isHome ? `promote on ${peer}` : `fail-back on ${peer}`}`
      },
    },
  ]
  if (isHome) {
    const refused =
      (!p.self.up && down(p.self)) ||
      dbRefusal ||
      (store!.master === x && p.self.role === 'master' && `${x} is the master already: nothing to fail back`) ||
      (!p.peer.up && `${peer} (the current master) is down: the mail it took can't be copied back — start it, or promote ${x} without it`) ||
      (p.self.awaitingResync && `${x}'s copy is empty: resync it from ${peer} first`) ||
      undefined
    actions.push({
      id: 'fail-back',
      label: `Fail back: make ${x} the master again`,
      kind: 'restore',
      ...(refused ? { refused } : {}),
      run: async () => {
        await push(c, peer, x) // bulk copy while the current master still takes mail
        await switchMaster(c, p, x, p.peer)
        await flushMailQueues(c)
        const cons = await mustExec<Consistency>(c, x, ['racklab-mail-consistency', '--json'], 120_000).catch((e: unknown) => ({ ok: false, error: (e as Error).message }) as Consistency)
        const state = cons.ok ? `${cons.messages?.master ?? 0} messages identical by GUID on both` : `consistency check: ${cons.error ?? `${cons.differenceCount} differences`}`
        return `${x} is the master of ${store!.id} again after copying back what ${peer} took; ${peer} is its replica; ${state}. Inverse: promote on ${peer}`
      },
    })
  }
  const resyncRefused =
    (!p.self.up && down(p.self)) ||
    (!p.peer.up && `${peer} is down: there is no other copy to resync ${x} from`) ||
    (p.peer.awaitingResync && `${peer}'s copy is itself empty (awaiting a resync)`) ||
    undefined
  actions.push({
    id: 'resync',
    label: `Resync ${x}'s copy of the mail store from ${peer}`,
    kind: 'restore',
    ...(resyncRefused ? { refused: resyncRefused } : {}),
    params: [{ id: 'user', label: 'User (all that differ when left out)', choices: storeUsers(c, p.home).map((u) => u.name), optional: true }],
    run: async ({ user }) => {
      if (user && p.self.awaitingResync) throw new LabError('REFUSED', `cannot resync only ${user}: ${x}'s copy is empty and needs the whole store first (resync without a user)`)
      const text = p.self.awaitingResync ? await fillFromPeer(c, p) : await repair(c, p, user)
      await flushMailQueues(c)
      return `${text}. No inverse: a resync only copies (Cyrus keeps records found on one side only), it deletes nothing`
    },
  })
  return actions
}
