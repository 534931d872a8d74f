import { describe, expect, it } from 'vitest'
import { checkWorkshopHost } from './workshop-server'

describe('where a workshop may be served', () => {
  it('plain HTTP on loopback only: tokens must not cross a LAN in the clear', () => {
    for (const h of ['127.0.0.1', '::1', 'localhost']) expect(() => checkWorkshopHost(h, false)).not.toThrow()
    for (const h of ['192.168.1.5', 'trainer.lan']) expect(() => checkWorkshopHost(h, false)).toThrow(/served over HTTPS only/)
  })

  it('a LAN address with a certificate is fine', () => {
    expect(() => checkWorkshopHost('192.168.1.5', true)).not.toThrow()
  })
})
