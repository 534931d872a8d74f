// Calls onIdle once `idle()` has held for idleMs in a row (checked every few seconds).
export function idleWatch(idleMs: number, idle: () => boolean, onIdle: () => void, everyMs = Math.min(5000, Math.max(250, idleMs / 4))): { stop(): void } {
  let since: number | undefined
  const timer = setInterval(() => {
    if (!idle()) since = undefined
    else if ((since ??= Date.now()) + idleMs <= Date.now()) {
      clearInterval(timer)
      onIdle()
    }
  }, everyMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
