import { describe, expect, it } from 'vitest'
import type { ExecResult } from '../docker/types'
import { readLabCa } from './lab-ca'

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '' })
const status = { ca: { subject: 'CN=Racklab lab CA (it)', notBefore: 1_800_000_000, sha256: 'AB:CD' }, cert: null }

describe('readLabCa', () => {
  it('reads the certificate from the first frontend that has the CA', async () => {
    const calls: string[] = []
    const ca = await readLabCa(['fe1', 'fe2'], async (server, cmd) => {
      calls.push(`${server} ${cmd.join(' ')}`)
      if (server === 'fe1') return ok('{"ca":null}')
      return ok(cmd[1] === 'status' ? JSON.stringify(status) : PEM)
    })
    expect(ca).toEqual({ pem: PEM, subject: 'CN=Racklab lab CA (it)', sha256: 'AB:CD', notBefore: new Date(1_800_000_000_000).toISOString(), server: 'fe2' })
    expect(calls).toEqual(['fe1 racklab-ca status', 'fe2 racklab-ca status', 'fe2 racklab-ca cert'])
  })

  it('says why when no frontend runs, or none has a CA', async () => {
    await expect(readLabCa([], async () => ok(''))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no frontend \(fe\) is running/) })
    await expect(readLabCa(['fe1'], async () => ({ exitCode: 1, stdout: '', stderr: 'boom' }))).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no frontend has the lab CA yet (fe1: boom)' })
  })
})
