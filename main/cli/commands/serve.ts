// serve: browser mode. The same UI as the window, over a WebSocket on 127.0.0.1 with a token, in front of the
// lab's engine service (started when none runs).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { LabError } from '@contract/lab-error'
import { appVersion, stateHome, webDir } from '../../engine/paths'
import { isLoopback, loadOrMakeServeTls } from '../../server/serve-tls'
import { startWebServer } from '../../server/web-server'
import { EXIT_OK, printJson, say } from '../output'
import { printLink, tlsNotice } from '../serve-links'
import { call, linkFor, type CliArgs } from './context'
import { serveWorkshop } from './serve-workshop'

export async function serve(a: CliArgs): Promise<number> {
  const dir = webDir()
  if (!existsSync(join(dir, 'index.html'))) throw new LabError('NOT_FOUND', `the UI is not built (${dir}/index.html missing): run npm run build:web, or use npm run serve`)
  const port = a.port ? Number(a.port) : 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LabError('BAD_INPUT', `--port must be 0–65535, got "${a.port}"`)
  if (a.workshop !== undefined) return serveWorkshop(a, dir, port)
  const host = a.host ?? '127.0.0.1'
  // off loopback the token must not cross the LAN in the clear: HTTPS, with a certificate for this address
  const tls = isLoopback(host) ? undefined : await loadOrMakeServeTls(stateHome(), host)
  const link = await linkFor(a, 'start', true)
  const { dispatch, bus } = await link.host()
  const web = await startWebServer({ dispatch, bus, staticDir: dir, host, port, version: appVersion(), ...(tls ? { tls } : {}) })
  if (a.json) printJson({ url: web.url, port: web.port, token: web.token, ...(tls ? { certificateSha256: tls.fingerprint } : {}) })
  else {
    say(`Racklab ${appVersion()} — lab ${link.labId}${link.via === 'engine' ? ' (engine service)' : ''}, Docker: ${(await call(link, 'engine.status')).message}`)
    if (tls) {
      say(`WARNING: listening on ${host}: anyone who can reach it and has the token controls this lab`)
      say(tlsNotice(host, tls))
    }
    printLink('', web.url, Boolean(tls) && !a.noQr && process.stdout.isTTY === true)
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await web.close()
  link.close()
  // Ctrl-C means leave: whatever handle is still open (a reconnect in flight) must not keep serve running
  setTimeout(() => process.exit(EXIT_OK), 3000).unref()
  return EXIT_OK
}
