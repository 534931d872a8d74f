import { describe, expect, it } from 'vitest'
import { checkWorkshopHost } from './workshop-server'

describe('where a workshop may be served', () => {
  it('serves on loopback only: tokens must not cross a LAN over plain HTTP', () => {
    for (const h of ['127.0.0.1', '::1', 'localhost']) expect(() => checkWorkshopHost(h)).not.toThrow()
    for (const h of ['0.0.0.0', '192.168.1.5', '::']) expect(() => checkWorkshopHost(h)).toThrow(/needs HTTPS.*SSH tunnel/)
  })
})
