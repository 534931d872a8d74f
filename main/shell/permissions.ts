// The renderer needs no browser permission (camera, notifications, clipboard-read, geolocation, USB, …):
// every request is denied, so a page that got into the window could not ask the user for one either.

/** the parts of Electron's Session the policy installs itself on */
export interface SessionLike {
  setPermissionRequestHandler(handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null): void
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string) => boolean) | null): void
  setDevicePermissionHandler(handler: ((details: unknown) => boolean) | null): void
}

export function denyAllPermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
}
