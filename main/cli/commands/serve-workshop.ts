// serve --workshop NAME: every lab of a workshop behind one server, each through its own engine service, with
// the trainer's dashboard, the students' and observers' links, and grading every few seconds.
import { existsSync } from 'node:fs'
import { appVersion, stateHome } from '../../engine/paths'
import { isLoopback, loadOrMakeServeTls } from '../../server/serve-tls'
import { LabRoom } from '../../workshop/lab-room'
import { loadWorkshop, workshopFile } from '../../workshop/workshop-file'
import { checkWorkshopHost, startWorkshopServer } from '../../workshop/workshop-server'
import { openLink, type LabLink } from '../lab-link'
import { EXIT_OK, printJson, say } from '../output'
import { printLink, tlsNotice } from '../serve-links'
import type { CliArgs } from './context'
import { loadExercise } from './workshop'

const REFRESH_MS = Number(process.env.RACKLAB_WORKSHOP_REFRESH_MS ?? 3000)

export async function serveWorkshop(a: CliArgs, staticDir: string, port: number): Promise<number> {
  const host = a.host ?? '127.0.0.1'
  // before any engine starts: off loopback, HTTPS with a certificate made for this address
  const tls = isLoopback(host) ? undefined : await loadOrMakeServeTls(stateHome(), host)
  checkWorkshopHost(host, Boolean(tls))
  const w = loadWorkshop(a.workshop || 'ws')
  const exercise = w.scenario ? await loadExercise(w.scenario, a.topology) : undefined
  const links = new Map<string, LabLink>()
  const hosts = new Map<string, Awaited<ReturnType<LabLink['host']>>>()
  for (const l of w.labs) {
    const link = await openLink({ lab: l.lab, topology: a.topology, engine: 'start', watch: true, dockerEngine: null }) // each on its own engine
    links.set(l.lab, link)
    hosts.set(l.lab, await link.host())
  }
  const file = workshopFile(w.name)
  const scoresFile = file.replace(/\.json$/, '.scores.json')
  const room = new LabRoom(w, exercise, links, scoresFile, Date.now, (text) => say(`racklab: ${text}`))
  await room.refreshAll()
  // `racklab workshop down` removes the labs, then the workshop file (its tokens): then there is nothing to serve
  let stop!: () => void
  const stopped = new Promise<void>((resolve) => {
    stop = resolve
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  let busy = false
  const timer = setInterval(() => {
    if (!existsSync(file)) {
      say(`racklab: workshop ${w.name} was taken down (racklab workshop down): its labs and tokens are gone, so serve stops`)
      stop()
      return
    }
    if (busy) return
    busy = true
    void room.refreshAll().finally(() => (busy = false))
  }, REFRESH_MS)
  const web = await startWorkshopServer({ room, hosts, staticDir, host, port, version: appVersion(), ...(tls ? { tls } : {}) })
  if (a.json) printJson({ base: web.base, port: web.port, ...web.links, ...(tls ? { certificateSha256: tls.fingerprint } : {}) })
  else {
    say(`Racklab ${appVersion()} — workshop ${w.name}: ${w.labs.length} labs${exercise ? `, exercise ${exercise.name}` : ''}`)
    if (tls) say(tlsNotice(host, tls))
    const qr = !a.noQr && process.stdout.isTTY === true
    printLink('trainer:  ', web.links.trainer, qr)
    for (const o of web.links.observers) printLink('observer: ', o, qr)
    for (const s of web.links.students) printLink(`${s.lab}: `, s.url, qr)
  }
  await stopped
  clearInterval(timer)
  await web.close()
  for (const l of links.values()) l.close()
  // as serve: leaving means leaving, whatever handle is still open (a reconnect to a lab that just went)
  setTimeout(() => process.exit(EXIT_OK), 3000).unref()
  return EXIT_OK
}
