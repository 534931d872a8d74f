import { afterEach, describe, expect, it, vi } from 'vitest'
import { ClientError } from '../client/client-error'
import type { FakeClient } from '../testing/fake-client'
import { labStatus } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import EndpointsPanel from './EndpointsPanel.vue'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.restoreAllMocks()
})

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
function client(): FakeClient {
  const c = labClient(labStatus([]))
  c.answer('lab.endpoints', () => [
    { service: 'https', host: '127.0.0.1', port: 44321, server: 'edge' },
    { service: 'imap', host: '127.0.0.1', port: 44322, server: 'edge' },
  ])
  return c
}

describe('EndpointsPanel', () => {
  it('offers the lab CA to download with its fingerprint and per-platform steps naming the real port', async () => {
    const blobs: Blob[] = []
    URL.createObjectURL = vi.fn((b: Blob) => (blobs.push(b), `blob:ca-${blobs.length}`))
    URL.revokeObjectURL = vi.fn()
    const c = client()
    c.answer('lab.ca', () => ({ pem: PEM, subject: 'CN=Racklab lab CA (it)', sha256: 'AB:CD:EF', notBefore: '2026-11-28T00:00:00.000Z', notAfter: '2027-11-28T00:00:00.000Z', permits: { dns: ['fastmail.test', 'localhost'], ip: ['127.0.0.0/8', '10.231.1.0/24'] } }))
    mounted = mountWith(EndpointsPanel, c)
    await flush()
    await flush()
    const link = mounted.$('[data-testid="ca-download"]') as HTMLAnchorElement
    expect(link.getAttribute('download')).toBe('racklab-ca.crt')
    expect(link.getAttribute('href')).toBe('blob:ca-1')
    const text = await new Promise<string>((resolve) => {
      const r = new FileReader() // jsdom's Blob has no text()
      r.onload = () => resolve(String(r.result))
      r.readAsText(blobs[0]!)
    })
    expect(text).toBe(PEM)
    expect(mounted.$('[data-testid="ca-sha256"]')?.textContent).toBe('AB:CD:EF')
    const scope = mounted.$('[data-testid="ca-scope"]')?.textContent?.replace(/\s+/g, ' ')
    expect(scope).toContain('it can only vouch for fastmail.test and every name under it, localhost and every name under it, 127.0.0.0/8, 10.231.1.0/24.')
    expect(scope).toContain('It expires on 2027-11-28')
    expect(mounted.$('[data-testid="lab-ca"]')?.textContent).toContain('--resolve www.fastmail.test:44321:127.0.0.1 https://www.fastmail.test:44321/')
    mounted.unmount()
    mounted = null
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:ca-1')
  })

  it('says why when the CA cannot be read', async () => {
    const c = client()
    c.answer('lab.ca', () => Promise.reject(new ClientError('NOT_FOUND', 'no frontend (fe) is running')))
    mounted = mountWith(EndpointsPanel, c)
    await flush()
    await flush()
    expect(mounted.$('[data-testid="lab-ca"]')?.textContent).toContain('no frontend (fe) is running')
    expect(mounted.$('[data-testid="ca-download"]')).toBeNull()
  })
})
