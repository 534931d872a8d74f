// When a mail store can take mail again (a node booted and opened LMTP, a promote, a fail-back, a refill),
// every MX retries its deferred queue at once: otherwise the mail waits for Postfix's next backoff, up to
// maximal_backoff_time later. An MX that is down or can't be asked is skipped: it retries on its own.
import type { HookContext } from './types'

export async function flushMailQueues(c: Pick<HookContext, 'exec' | 'serversOf'>): Promise<string[]> {
  const flushed: string[] = []
  await Promise.all(
    c.serversOf('mx').map(async (mx) => {
      const r = await c.exec(mx, ['postqueue', '-f'], { timeoutMs: 15_000 }).catch(() => undefined)
      if (r?.exitCode === 0) flushed.push(mx)
    }),
  )
  return flushed.sort()
}
