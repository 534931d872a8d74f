// File storage for real: file1-3 with db1 only. The bundled file-node-loss scenario (200 files over DAV,
// a lost disk, re-replication, bit rot and the scrub) passes; DAV answers bad input with the right codes;
// FTP uploads and downloads byte-identical and resumes a download. One lab for the whole file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { racklab } from './helpers'
import { exec, runShippedScenario, sql } from './lab-driver'

const sh = async (server: string, script: string): Promise<string> => {
  const r = await exec(server, ['sh', '-c', script], { timeoutMs: 300_000 })
  if (r.exitCode !== 0) throw new Error(`${server}: ${script.slice(0, 80)}… exited ${r.exitCode}: ${r.stderr || r.stdout}`)
  return r.stdout.trim()
}
const A = '-u alice:alice-2007'
const DAV = 'http://127.0.0.1/dav'

describe('file storage on the real engine', () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)

  it('file-node-loss: every file survives a lost disk, copies come back to N, the scrub repairs bit rot', async () => {
    const { code, report } = await runShippedScenario('file-node-loss')
    expect(code).toBe(0)
    expect(report).toMatchObject({ name: 'file-node-loss', ok: true })
    // every blob has two copies, in two different racks
    expect(await sql('db1', 'SELECT COUNT(*) FROM blobs b WHERE (SELECT COUNT(*) FROM file_copies c WHERE c.sha1 = b.sha1) < 2')).toBe('0')
  }, 1_500_000)

  it('DAV: bad paths, PUT without a length, Overwrite F, a non-empty folder with Depth 0, quota', async () => {
    const code = (args: string): Promise<string> => sh('file1', `curl -s -o /dev/null -w '%{http_code}' ${A} ${args}`)
    await sh('file1', `curl -s ${A} -X DELETE ${DAV}/bad/ >/dev/null; curl -sf ${A} -X MKCOL ${DAV}/bad/ && printf x | curl -sf ${A} -T - ${DAV}/bad/x`)
    expect(await code(`--path-as-is ${DAV}/bad/../x`)).toBe('400')
    expect(await code(`${DAV}/bad/a%00b`)).toBe('400')
    expect(await code(`-T /etc/hostname ${DAV}/bad/$(printf 'n%.0s' $(seq 1 300))`)).toBe('414')
    expect(await code(`-X PUT -H 'Transfer-Encoding:' ${DAV}/bad/nolength`)).toBe('411')
    expect(await code(`-X MKCOL ${DAV}/nothere/sub/`)).toBe('409')
    expect(await code(`-X COPY -H 'Destination: ${DAV}/bad/x' ${DAV}/bad/x`)).toBe('403')
    await sh('file1', `printf y | curl -sf ${A} -T - ${DAV}/bad/y`)
    expect(await code(`-X COPY -H 'Overwrite: F' -H 'Destination: ${DAV}/bad/y' ${DAV}/bad/x`)).toBe('412')
    expect(await code(`-X DELETE -H 'Depth: 0' ${DAV}/bad/`)).toBe('400')
    await sql('db1', "UPDATE users SET file_quota = 1000000 WHERE login = 'alice'")
    try {
      expect(await code(`-T /usr/bin/perl ${DAV}/bad/big`)).toBe('507')
    } finally {
      await sql('db1', "UPDATE users SET file_quota = 1073741824 WHERE login = 'alice'")
    }
  }, 300_000)

  it('FTP: STOR and RETR byte-identical, a resumed RETR, MKD/RNFR/RNTO/SIZE', async () => {
    const out = await sh(
      'file1',
      [
        'set -e; d=$(mktemp -d); cd $d; head -c 3000000 /dev/urandom >a',
        `curl -sf ${A} -T a ftp://127.0.0.1/ftp-a`,
        `curl -sf ${A} ftp://127.0.0.1/ftp-a -o b && cmp a b && echo identical`,
        `head -c 1000000 a >c; curl -sf ${A} -C - ftp://127.0.0.1/ftp-a -o c && cmp a c && echo resumed`,
        `curl -sf ${A} -Q 'MKD ftp-dir' -Q 'RNFR ftp-a' -Q 'RNTO ftp-dir/a' ftp://127.0.0.1/ >/dev/null`,
        `curl -sfI ${A} ftp://127.0.0.1/ftp-dir/a | grep -i content-length`,
      ].join('\n'),
    )
    expect(out).toContain('identical')
    expect(out).toContain('resumed')
    expect(out).toMatch(/Content-Length: 3000000/i)
  }, 300_000)
})
