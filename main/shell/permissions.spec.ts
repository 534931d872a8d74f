import { describe, expect, it } from 'vitest'
import { denyAllPermissions, type SessionLike } from './permissions'

describe('denyAllPermissions', () => {
  it('installs request, check and device handlers that all say no', () => {
    const installed: Partial<Record<keyof SessionLike, unknown>> = {}
    const session: SessionLike = {
      setPermissionRequestHandler: (h) => void (installed.setPermissionRequestHandler = h),
      setPermissionCheckHandler: (h) => void (installed.setPermissionCheckHandler = h),
      setDevicePermissionHandler: (h) => void (installed.setDevicePermissionHandler = h),
    }
    denyAllPermissions(session)
    const request = installed.setPermissionRequestHandler as Parameters<SessionLike['setPermissionRequestHandler']>[0]
    const check = installed.setPermissionCheckHandler as Parameters<SessionLike['setPermissionCheckHandler']>[0]
    const device = installed.setDevicePermissionHandler as Parameters<SessionLike['setDevicePermissionHandler']>[0]
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'fullscreen']) {
      const answers: boolean[] = []
      request!({}, permission, (granted) => answers.push(granted))
      expect(answers, permission).toEqual([false])
      expect(check!({}, permission), permission).toBe(false)
    }
    expect(device!({ deviceType: 'usb' })).toBe(false)
  })
})
