// File storage probes, run inside the file nodes: storage.replicas (blobs with fewer than N live copies, and
// blobs with none), storage.scrub (age and result of each node's last full pass), storage.dav (a PUT, GET
// and DELETE through the node's WebDAV as a real user, bytes compared) and storage.ftp (login, STOR, RETR).
import type { ProbeResult } from '@contract/status'
import { fileNodeStatus } from '../roles/file-actions'
import type { Exec } from './db'

const at = (): string => new Date().toISOString()
const fail = (id: string, target: string, message: string): ProbeResult => ({ id, target, ok: false, message, at: at() })

/** storage.replicas, as one file node sees the whole store */
export async function probeReplicas(exec: Exec, node: string): Promise<ProbeResult> {
  const s = await fileNodeStatus(exec, node)
  if (typeof s === 'string') return fail('storage.replicas', 'storage', s)
  if (s.dbError) return fail('storage.replicas', 'storage', `the metadata database does not answer ${node}: ${s.dbError}`)
  const under = s.underReplicated ?? 0
  const lost = s.lost ?? 0
  const ok = under === 0 && lost === 0
  const message = ok
    ? `${s.totalBlobs ?? 0} blobs, each on ${s.copies} live nodes (${(s.liveNodes ?? []).join(', ')})`
    : `${under} blobs under-replicated, ${lost} with no live copy (want ${s.copies}; live nodes ${(s.liveNodes ?? []).join(', ') || 'none'})`
  return { id: 'storage.replicas', target: 'storage', ok, message, values: { underReplicated: under, lost, blobs: s.totalBlobs ?? 0 }, at: at() }
}

/** storage.scrub on one node: a full pass has run within `maxAgeS` wall seconds and left no bad copy unrepaired */
export async function probeScrub(exec: Exec, node: string, maxAgeS: number, nowS = Date.now() / 1000): Promise<ProbeResult> {
  const s = await fileNodeStatus(exec, node)
  if (typeof s === 'string') return fail('storage.scrub', node, s)
  if (s.diskFailed) return fail('storage.scrub', node, `${node}'s disk has failed: nothing to scrub until it is replaced`)
  if (!s.scrub) {
    // a node started less than maxAgeS ago is within its first pass's allowance, as one whose last pass ended
    // that long ago would be: right after `up` every node said FAIL here until its first pass ended
    const started = Number((await exec(node, ['stat', '-c', '%Y', '/proc/1']).catch(() => ({ stdout: '' }))).stdout.trim())
    const upS = Number.isFinite(started) && started > 0 ? Math.max(0, Math.round(nowS - started)) : undefined
    if (upS !== undefined && upS <= maxAgeS) return { id: 'storage.scrub', target: node, ok: true, message: `${node}'s first full scrub pass is under way (up ${upS} s; a pass is due within ${maxAgeS} s)`, values: { upSeconds: upS }, at: at() }
    return fail('storage.scrub', node, `${node} has not finished a full scrub pass yet${upS !== undefined ? ` (up ${upS} s, over the ${maxAgeS} s a pass may take)` : ''}`)
  }
  const age = Math.max(0, Math.round(nowS - s.scrub.finishedAt))
  const unrepaired = s.scrub.bad - s.scrub.repaired
  const ok = age <= maxAgeS && unrepaired === 0
  const what = `${s.scrub.checked} blobs checked ${age} s ago, ${s.scrub.bad} bad, ${s.scrub.repaired} repaired`
  const message = ok ? what : unrepaired > 0 ? `${what}: ${unrepaired} bad copies could not be repaired` : `${what}: older than ${maxAgeS} s`
  return { id: 'storage.scrub', target: node, ok, message, values: { ageSeconds: age, checked: s.scrub.checked, bad: s.scrub.bad, repaired: s.scrub.repaired }, at: at() }
}

// Both protocol probes run curl inside the node against its own daemons: a PUT/STOR lands with N copies
// across the cluster, so this exercises the store, the metadata database and the peers. A step that fails says
// which, with the server's own answer (its status line and the start of its body; curl -f alone hid them, and the
// probe said "exit 22: no output" while the node answered 503 "metadata database refuses writes").
const TRY = [
  'try() { step=$1; shift',
  '  curl -sS -v --max-time 60 --fail-with-body "$@" >"$g" 2>"$e" && return 0',
  `  said=$(grep -E '^< (HTTP/|[1-5][0-9][0-9][ -])' "$e" | tail -1 | sed 's/^< //' | tr -d '\\r')`,
  `  body=$(head -c 300 "$g" | tr -s '\\r\\n\\t' '   ' | sed 's/ *$//')`,
  `  printf '%s failed: %s%s (%s)\\n' "$step" "\${said:-no answer}" "\${body:+ — $body}" "$(grep -E '^curl: ' "$e" | tail -1)"`,
  '  exit 1; }',
].join('\n')
/** the probe's file in the user's tree: every node and both protocols share that one tree, and the shell's PID
 *  alone was the same number in several fresh containers at once (`check --fresh` probes every node together):
 *  file3's DAV probe deleted file2's FTP file before its DELE ("550 no such file"), a false alert */
export const probeFileName = (node: string, proto: 'dav' | 'ftp'): string => `.racklab-probe-${node}-${proto}-$$`

export const SCRIPT = (node: string, proto: 'dav' | 'ftp'): string => {
  if (!/^[A-Za-z0-9-]+$/.test(node)) throw new Error(`storage probe: bad server name '${node}'`)
  const name = probeFileName(node, proto)
  return [
    'set -e; f=$(mktemp); g=$(mktemp); e=$(mktemp); trap \'rm -f "$f" "$g" "$e"\' EXIT',
    TRY,
    'head -c 65536 /dev/urandom >"$f"; want=$(sha1sum <"$f" | cut -c1-40)',
    proto === 'dav'
      ? `u="http://127.0.0.1/dav/${name}"; try PUT -u "$RL_USER" -T "$f" "$u"; try GET -u "$RL_USER" "$u"; got=$(sha1sum <"$g" | cut -c1-40); try DELETE -u "$RL_USER" -X DELETE "$u"`
      : `u="ftp://127.0.0.1/${name}"; try STOR -u "$RL_USER" -T "$f" "$u"; try RETR -u "$RL_USER" "$u"; got=$(sha1sum <"$g" | cut -c1-40); try DELE -u "$RL_USER" -Q "DELE ${name}" "ftp://127.0.0.1/"`,
    '[ "$want" = "$got" ] || { echo "read back $got, wrote $want"; exit 1; }; echo "$want"',
  ].join('\n')
}

/** the protocol probes' exec limit: each curl step gives up after 60 s, the first fails the script */
const STORAGE_EXEC_MS = 90_000

/** storage.dav or storage.ftp on one node, as `user` */
export async function probeProtocol(exec: Exec, node: string, proto: 'dav' | 'ftp', user: { name: string; password: string }): Promise<ProbeResult> {
  const id = `storage.${proto}`
  const t0 = Date.now()
  // a node's first request after the metadata database stopped answering waits out its DB read timeout (20 s, a
  // ping on a connection whose packets are dropped) before it can say so: 15 s was too short to hear the answer
  const r = await exec(node, ['env', `RL_USER=${user.name}:${user.password}`, 'sh', '-c', SCRIPT(node, proto)], { timeoutMs: STORAGE_EXEC_MS }).catch((e: unknown) => ({ exitCode: -1, stdout: '', stderr: String(e) }))
  const ms = Date.now() - t0
  const said = (r.stdout + r.stderr).trim()
  if (r.exitCode !== 0) return fail(id, node, `${proto.toUpperCase()} write/read as ${user.name} on ${node} failed${r.exitCode === 1 && said ? '' : ` (exit ${r.exitCode})`}: ${said || 'no output'}`)
  return { id, target: node, ok: true, message: `64 KiB written and read back identical as ${user.name} in ${ms} ms`, values: { ms }, at: at() }
}
