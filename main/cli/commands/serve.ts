// serve: browser mode. The same UI as the window, over a WebSocket on 127.0.0.1 with a token, in front of the
// lab's engine service (started when none runs).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { LabError } from '@contract/lab-error'
import { appVersion, webDir } from '../../engine/paths'
import { startWebServer } from '../../server/web-server'
import { EXIT_OK, printJson, say } from '../output'
import { call, linkFor, type CliArgs } from './context'
import { serveWorkshop } from './serve-workshop'

export async function serve(a: CliArgs): Promise<number> {
  const dir = webDir()
  if (!existsSync(join(dir, 'index.html'))) throw new LabError('NOT_FOUND', `the UI is not built (${dir}/index.html missing): run npm run build:web, or use npm run serve`)
  const port = a.port ? Number(a.port) : 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LabError('BAD_INPUT', `--port must be 0–65535, got "${a.port}"`)
  if (a.workshop !== undefined) return serveWorkshop(a, dir, port)
  const link = await linkFor(a, 'start', true)
  const { dispatch, bus } = await link.host()
  const web = await startWebServer({ dispatch, bus, staticDir: dir, host: a.host ?? '127.0.0.1', port, version: appVersion() })
  if (a.json) printJson({ url: web.url, port: web.port, token: web.token })
  else {
    say(`Racklab ${appVersion()} — lab ${link.labId}${link.via === 'engine' ? ' (engine service)' : ''}, Docker: ${(await call(link, 'engine.status')).message}`)
    if (a.host && a.host !== '127.0.0.1') say(`WARNING: listening on ${a.host}: anyone who can reach it and has the token controls this lab`)
    process.stdout.write(`${web.url}\n`)
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await web.close()
  link.close()
  return EXIT_OK
}
