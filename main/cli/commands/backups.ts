// racklab backups [SERVER]: what the backup server holds night by night (contract backup.list, the same as the
// backup panel): the hot DB backup (size, GTID, offsite) and each store's mail snapshot.
import { EXIT_OK, printJson, say, table } from '../output'
import { call, linkFor, type CliArgs } from './context'

const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`

export async function backups(a: CliArgs): Promise<number> {
  const link = await linkFor(a)
  try {
    const server = a.positionals[0]
    const b = await call(link, 'backup.list', server ? { server } : {})
    if (a.json) {
      printJson(b)
      return EXIT_OK
    }
    if (b.pool) say(b.pool.state === 'FAULTED' ? b.pool.text : `${b.server}'s pool ${b.pool.text}`)
    say(`${b.server}: ${b.nights.length} night(s), retention ${b.retentionNights}; stored: mail ${b.stored.mailFiles} files (${mb(b.stored.mailBytes)}), database ${mb(b.stored.dbBytes)}; offsite ${b.offsite ?? 'none reachable'}`)
    const rows = b.nights.flatMap((n) => {
      const db = n.db ? [`${mb(n.db.bytes)} GTID ${n.db.gtid || '?'}`, n.db.offsite ? 'yes' : 'no'] : ['none', '-']
      const stores = n.mail.length ? n.mail : [undefined]
      return stores.map((s, i) => [i ? '' : n.stamp, ...(i ? ['', ''] : db), s?.store ?? '-', String(s?.accounts ?? ''), String(s?.messages ?? ''), s ? mb(s.bytes) : '', String(s?.newFiles ?? '')])
    })
    if (rows.length) process.stdout.write(table([['NIGHT', 'DATABASE', 'OFFSITE', 'STORE', 'ACCOUNTS', 'MESSAGES', 'SIZE', 'NEW FILES'], ...rows]) + '\n')
    if (b.interrupted) say(b.interrupted)
    if (b.lastRun) say(`last run (journal #${b.lastRun.seq}): ${b.lastRun.text}`)
    return EXIT_OK
  } finally {
    link.close()
  }
}
