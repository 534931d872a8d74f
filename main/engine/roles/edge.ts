// edge: the Internet (lab-images/edge). Publishes the lab's public services on 127.0.0.1 and forwards each
// connection to the service's name as the lab DNS answers at that moment (round robin, VIP moves).
import { LOW_PORTS } from './capabilities'
import { pasvRange } from './file'
import type { RoleContext, RoleDefinition } from './types'

/** container port → [name to resolve (relative to the domain; MX = the domain's mail exchangers), port there, service] */
export const EDGE_FORWARDS: Record<number, [string, number, string]> = {
  443: ['www', 443, 'https'],
  80: ['www', 80, 'http'],
  25: ['MX', 25, 'smtp'],
  587: ['smtp', 587, 'submission'],
  143: ['imap', 143, 'imap'],
  110: ['pop', 110, 'pop3'],
  21: ['ftp', 21, 'ftp'],
}

/** every file node's passive FTP ports: forwarded to the frontends and published on the same host port */
export function ftpPassivePorts(c: Pick<RoleContext, 'serversOf' | 'topology'>): number[] {
  return c.serversOf('file').flatMap((id) => {
    const [lo, hi] = pasvRange(c, id)
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)
  })
}

export const edge: RoleDefinition = {
  spec: (c) => {
    const ns = c.serversOf('dns').flatMap((id) => {
      try {
        return [c.ipOf(id)]
      } catch {
        return []
      }
    })
    if (ns.length === 0) throw new Error(`${c.server.id}: no dns server shares a network with it; the edge resolves every service through the lab DNS`)
    const entries = Object.entries(EDGE_FORWARDS)
    const pasv = ftpPassivePorts(c)
    return {
      volumes: {},
      env: {
        FORWARDS: [...entries.map(([port, [name, to]]) => `${port}=${name}:${to}`), ...pasv.map((p) => `${p}=ftp:${p}`)].join(','),
        DNS_SERVERS: ns.join(','),
      },
      tmpfs: ['/run'],
      // one root process forwarding the public ports (25, 80, 443…): it switches no user and owns its files
      capabilities: LOW_PORTS,
      // a child per open connection
      pidsLimit: 256,
      publish: Object.fromEntries(entries.map(([port, [, , service]]) => [`${port}/tcp`, service])),
      fixedPorts: pasv,
      dns: ns,
      // stateless relay: stops on SIGTERM at once (Docker then tears down its published ports, one by one)
      stopTimeout: 5,
    }
  },
  // trust the lab CA (from the engine), so what the edge checks over HTTPS is verified like a browser that trusts it would
  // it resolves each service through the lab DNS per connection, and its health is only its own listeners
  bootsAlone: true,
  // trusting the CA reads the engine's CA and writes in the edge: it need not wait for the servers the edge publishes
  provisionsAlone: true,
  // the trust lives in the container: a new container, or another lab CA, runs it again
  provision: { keptIn: 'container', inputs: async (c) => ({ ca: (await c.labCa()).cert.fingerprint256 }) },
  afterHealthy: async ({ server, exec, labCa }) => {
    const r = await exec(server.id, ['racklab-edge-trust'], { stdin: (await labCa()).certPem })
    if (r.exitCode !== 0) throw new Error(`${server.id}: could not trust the lab CA: ${(r.stderr || r.stdout).trim()}`)
  },
}
