// CPU time of the browser this bench launched (every process below this Node process: chromium's browser, GPU
// and renderer processes), from /proc. On a machine shared with other work a frame's wall time swings with the
// load; the CPU it costs does not, so the scene bench reports both.
import { readFileSync, readdirSync } from 'node:fs'

/** Linux counts process CPU time in clock ticks of 10 ms (USER_HZ 100 on every architecture Node runs on) */
const TICK_MS = 10

function stat(pid: string): { ppid: number; cpuMs: number } | null {
  try {
    // the command name (field 2) may hold spaces and parentheses: the fields after it start past the last ') '
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = s.slice(s.lastIndexOf(') ') + 2).split(' ')
    return { ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS }
  } catch {
    return null // gone meanwhile
  }
}

/** CPU ms used so far by every live descendant of this process; null where /proc is not there to read */
export function childrenCpuMs(): number | null {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  } catch {
    return null
  }
  const all = new Map<number, { ppid: number; cpuMs: number }>()
  for (const p of pids) {
    const s = stat(p)
    if (s) all.set(Number(p), s)
  }
  const mine = new Set([process.pid])
  let grew = true
  while (grew) {
    grew = false
    for (const [pid, s] of all) {
      if (mine.has(pid) || !mine.has(s.ppid)) continue
      mine.add(pid)
      grew = true
    }
  }
  let ms = 0
  for (const pid of mine) if (pid !== process.pid) ms += all.get(pid)!.cpuMs
  return ms
}
