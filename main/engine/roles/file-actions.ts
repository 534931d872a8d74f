// Service actions on a file node: lose its disk (and its blobs) and replace it, rot one blob with the lab
// seed, fill the disk and free it, and run a scrub, a replication pass or a garbage collection now. Each break names its inverse
// in the sentence it returns, which the journal records (actions/inverses.ts maps them for undo).
import type { HookContext, RoleAction } from './types'

export interface FileNodeStatus {
  node: string
  blobs: number
  bytes: number
  capacity: number
  copies: number
  diskFailed?: boolean
  /** the ballast a fill left (0: not filled; absent from an older image) */
  ballastBytes?: number
  underReplicated?: number
  lost?: number
  totalBlobs?: number
  liveNodes?: string[]
  scrub?: { finishedAt: number; seconds: number; checked: number; bad: number; repaired: number } | null
  dbError?: string
}

/** `racklab-file status` on a node: its JSON, or a sentence saying why not */
export async function fileNodeStatus(exec: HookContext['exec'], server: string): Promise<FileNodeStatus | string> {
  const r = await exec(server, ['racklab-file', 'status'], { timeoutMs: 30_000 }).catch((e: unknown) => ({ exitCode: -1, stdout: '', stderr: String(e) }))
  if (r.exitCode !== 0) return `${server}: ${(r.stderr || r.stdout).trim() || 'racklab-file status failed'}`
  try {
    return JSON.parse(r.stdout) as FileNodeStatus
  } catch {
    return `${server}: racklab-file status printed no JSON`
  }
}

async function run(c: HookContext, args: string[]): Promise<Record<string, unknown>> {
  const r = await c.exec(c.server.id, ['racklab-file', ...args], { timeoutMs: 120_000 })
  if (r.exitCode !== 0) throw new Error(`${c.server.id}: racklab-file ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`)
  return JSON.parse(r.stdout) as Record<string, unknown>
}

export async function fileActions(c: HookContext): Promise<RoleAction[]> {
  const me = c.server.id
  const st = await fileNodeStatus(c.exec, me)
  const down = typeof st === 'string' ? st : undefined
  const s = st as FileNodeStatus
  const failed = !down && s.blobs === 0 && s.diskFailed === true
  const full = !down && s.bytes >= s.capacity
  /** one keeper pass now (`racklab-file <id>`), told from its JSON */
  const passNow = (id: string, label: string, say: (r: Record<string, unknown>) => string): RoleAction => ({
    id,
    label,
    kind: 'operate',
    ...(down ? { refused: down } : {}),
    run: async () => say(await run(c, [id])),
  })
  return [
    {
      id: 'fail-disk',
      label: 'Fail the disk: every blob on this node is lost; reads go to the other copies',
      kind: 'break',
      ...(down ? { refused: down } : failed ? { refused: 'the disk has already failed' } : {}),
      run: async () => {
        const r = await run(c, ['fail-disk'])
        return `${me}'s disk failed: ${s.blobs} blobs lost, ${String(r.claimsDropped)} copies dropped from the metadata; the replicator copies them again elsewhere (undo: replace-disk)`
      },
    },
    {
      id: 'replace-disk',
      label: 'Replace the failed disk with an empty one',
      kind: 'restore',
      // like power-on on a server that is on: a restore with nothing to restore is refused, not a no-op to press
      ...(down ? { refused: down } : s.diskFailed === false ? { refused: `${me}'s disk has not failed` } : {}),
      run: async () => {
        await run(c, ['replace-disk'])
        return `${me} has a new, empty disk; new writes and re-replication use it again (inverse of fail-disk)`
      },
    },
    {
      id: 'rot-blob',
      label: 'Bit rot: flip a byte in one blob on this node (chosen with the lab seed)',
      kind: 'break',
      ...(down ? { refused: down } : s.blobs === 0 ? { refused: `${me} holds no blob` } : {}),
      run: async () => {
        const r = await run(c, ['rot', String(c.topology.seed)])
        return `flipped the byte at offset ${String(r.offset)} of blob ${String(r.sha1)} on ${me} (undo: scrub)`
      },
    },
    {
      id: 'fill',
      label: 'Fill the disk: PUTs that need this node go to others, or get 507 when none has room',
      kind: 'break',
      ...(down ? { refused: down } : full ? { refused: 'the disk is already full' } : {}),
      run: async () => {
        await run(c, ['fill'])
        return `${me}'s disk is full (undo: unfill)`
      },
    },
    {
      id: 'unfill',
      label: 'Free the space the fill took',
      kind: 'restore',
      ...(down ? { refused: down } : s.ballastBytes === 0 ? { refused: `${me}'s disk was not filled` } : {}),
      run: async () => {
        const r = await run(c, ['unfill'])
        return `${me} has room again: ${String(r.bytes)} of ${String(r.capacity)} bytes used (inverse of fill)`
      },
    },
    passNow('scrub', 'Scrub now: re-read every blob on this node, check its SHA1, repair bad copies', (r) => `scrub of ${me}: ${String(r.checked)} blobs checked, ${String(r.bad)} bad, ${String(r.repaired)} repaired`),
    passNow('replicate', 'Replicate now: bring every blob back to N copies', (r) =>
      r.skipped ? `replication: ${String(r.skipped)}` : `replication from ${me}: ${String(r.fixed)} blobs back to N copies, ${String(r.failed)} could not be, ${String(r.trimmed ?? 0)} extra copies removed`,
    ),
    passNow('collect', 'Collect garbage now: blobs no file names (older than the 10-minute grace), their copies, and stray files on this node', (r) => {
      if (r.skipped) return `garbage collection: ${String(r.skipped)}`
      const left = Number(r.left ?? 0)
      return `garbage collection from ${me}: ${String(r.blobs)} unreferenced blobs removed (${String(r.copies)} copies${left ? `; ${left} on nodes that did not answer, swept by their own next pass` : ''}), ${String(r.strays)} stray blob files and ${String(r.temps)} dead temporary files on ${me}`
    }),
  ]
}
