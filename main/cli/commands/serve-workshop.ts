// serve --workshop NAME: every lab of a workshop behind one server, each through its own engine service, with
// the trainer's dashboard, the students' and observers' links, and grading every few seconds.
import { join } from 'node:path'
import { appVersion } from '../../engine/paths'
import { LabRoom } from '../../workshop/lab-room'
import { loadWorkshop, workshopFile } from '../../workshop/workshop-file'
import { checkWorkshopHost, startWorkshopServer } from '../../workshop/workshop-server'
import { openLink, type LabLink } from '../lab-link'
import { EXIT_OK, printJson, say } from '../output'
import type { CliArgs } from './context'
import { loadExercise } from './workshop'

const REFRESH_MS = Number(process.env.RACKLAB_WORKSHOP_REFRESH_MS ?? 3000)

export async function serveWorkshop(a: CliArgs, staticDir: string, port: number): Promise<number> {
  const host = a.host ?? '127.0.0.1'
  checkWorkshopHost(host) // before any engine starts
  const w = loadWorkshop(a.workshop || 'ws')
  const exercise = w.scenario ? await loadExercise(w.scenario, a.topology) : undefined
  const links = new Map<string, LabLink>()
  const hosts = new Map<string, Awaited<ReturnType<LabLink['host']>>>()
  for (const l of w.labs) {
    const link = await openLink({ lab: l.lab, topology: a.topology, engine: 'start', watch: true, dockerEngine: null }) // each on its own engine
    links.set(l.lab, link)
    hosts.set(l.lab, await link.host())
  }
  const scoresFile = join(workshopFile(w.name).replace(/\.json$/, '.scores.json'))
  const room = new LabRoom(w, exercise, links, scoresFile, Date.now, (text) => say(`racklab: ${text}`))
  await room.refreshAll()
  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    void room.refreshAll().finally(() => (busy = false))
  }, REFRESH_MS)
  const web = await startWorkshopServer({ room, hosts, staticDir, host, port, version: appVersion() })
  if (a.json) printJson({ base: web.base, port: web.port, ...web.links })
  else {
    say(`Racklab ${appVersion()} — workshop ${w.name}: ${w.labs.length} labs${exercise ? `, exercise ${exercise.name}` : ''}`)
    process.stdout.write(`trainer:  ${web.links.trainer}\n`)
    for (const o of web.links.observers) process.stdout.write(`observer: ${o}\n`)
    for (const s of web.links.students) process.stdout.write(`${s.lab}: ${s.url}\n`)
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  clearInterval(timer)
  await web.close()
  for (const l of links.values()) l.close()
  return EXIT_OK
}
