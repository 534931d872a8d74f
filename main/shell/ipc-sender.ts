// Who may call the engine over IPC: the main frame of the Racklab window, showing the app's own page.
// Electron sets senderFrame to null when the frame has navigated or been destroyed since it sent; such a
// call, a subframe's, or another window's is refused.

/** the parts of Electron's WebFrameMain the decision reads */
export interface FrameLike {
  url: string
  processId: number
  routingId: number
}

export function ipcSenderAllowed(sender: FrameLike | null | undefined, mainFrame: FrameLike | null | undefined, isAppUrl: (url: string) => boolean): boolean {
  if (!sender || !mainFrame) return false
  const same = sender === mainFrame || (sender.processId === mainFrame.processId && sender.routingId === mainFrame.routingId)
  return same && isAppUrl(sender.url)
}
