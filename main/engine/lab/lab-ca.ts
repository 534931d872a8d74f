// The lab CA's certificate, read from a running frontend (racklab-ca in the fe image): what a person imports
// into a browser or OS to trust the lab's HTTPS. Every frontend holds the same CA (roles/fe-ca.ts), so the
// first one that answers is the answer.
import { LabError } from '@contract/errors'
import type { LabCa } from '@contract/status'
import type { ExecResult } from '../docker/types'

interface CaStatus {
  ca: { subject: string; notBefore: number; sha256: string } | null
}

/** `running` are the frontends whose containers run; `exec` runs a command in one of them */
export async function readLabCa(running: string[], exec: (server: string, cmd: string[]) => Promise<ExecResult>): Promise<LabCa> {
  if (!running.length) throw new LabError('NOT_FOUND', 'no frontend (fe) is running, and the lab CA lives on the frontends: racklab up first')
  const problems: string[] = []
  for (const server of running) {
    const st = await exec(server, ['racklab-ca', 'status']).catch((e: unknown) => ({ exitCode: -1, stdout: '', stderr: (e as Error).message }))
    const ca = st.exitCode === 0 ? (JSON.parse(st.stdout) as CaStatus).ca : null
    if (!ca) {
      problems.push(`${server}: ${st.exitCode === 0 ? 'no CA yet' : (st.stderr || st.stdout).trim()}`)
      continue
    }
    const pem = await exec(server, ['racklab-ca', 'cert'])
    if (pem.exitCode !== 0 || !pem.stdout.includes('BEGIN CERTIFICATE')) {
      problems.push(`${server}: racklab-ca cert failed: ${(pem.stderr || pem.stdout).trim()}`)
      continue
    }
    return { pem: pem.stdout, subject: ca.subject, sha256: ca.sha256, notBefore: new Date(ca.notBefore * 1000).toISOString(), server }
  }
  throw new LabError('NOT_FOUND', `no frontend has the lab CA yet (${problems.join('; ')})`)
}
