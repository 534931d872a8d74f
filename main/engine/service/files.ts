// Where a lab's engine service keeps its lock, socket and log: in the lab's state dir, except the socket
// when that path is too long for a unix socket (108 bytes on Linux, 104 on macOS).
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface ServiceFiles {
  lock: string
  socket: string
  log: string
}

export function serviceFiles(stateDir: string, labId: string): ServiceFiles {
  const hash = createHash('sha256').update(stateDir).digest('hex').slice(0, 12)
  let socket: string
  if (process.platform === 'win32') socket = `\\\\.\\pipe\\racklab-${labId}-${hash}`
  else {
    socket = join(stateDir, 'engine.sock')
    if (Buffer.byteLength(socket) > 100) socket = join(tmpdir(), `racklab-${hash}.sock`)
  }
  return { lock: join(stateDir, 'engine.lock'), socket, log: join(stateDir, 'engine.log') }
}

/** which Docker engine a process would drive: a lab's engine service and its clients must agree */
export const dockerTarget = (): string => process.env.DOCKER_HOST || 'default'
