import { describe, expect, it } from 'vitest'
import { LabAuthority } from '../tls/authority'
import { labCaInfo } from './lab-ca'

describe('labCaInfo', () => {
  it('shows the CA certificate, its subject and fingerprint as openssl prints them, its dates and what it may sign', async () => {
    const { authority } = await LabAuthority.create('it', { dns: ['fastmail.test', 'localhost'], ip: ['127.0.0.0/8', '10.231.1.0/24'] })
    const info = labCaInfo(authority)
    expect(info).toEqual({
      pem: authority.certPem,
      subject: 'CN=Racklab lab CA (it),OU=lab it,O=Racklab',
      sha256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      notBefore: authority.notBefore.toISOString(),
      notAfter: authority.notAfter.toISOString(),
      permits: { dns: ['fastmail.test', 'localhost'], ip: ['127.0.0.0/8', '10.231.1.0/24'] },
    })
    expect(info.pem).not.toMatch(/PRIVATE KEY/)
  })
})
