// fe: nginx (TLS + gzip proxy to the web pool, IMAP/POP/submission mail proxy) + keepalived (lab-images/fe).
// Each frontend homes one service IP (fe-vips.ts) and backs up the others'; each presents its own certificate
// from the engine's lab CA (fe-tls.ts).
import { LOW_PORTS, SERVICE_USER } from './capabilities'
import { feActions } from './fe-actions'
import { frontendTlsInputs, provisionFrontendTls } from './fe-tls'
import { pasvRange } from './file'
import { allServers } from '../topology/queries'
import { publicNetwork, vrrpInstances } from './fe-vips'
import type { RoleDefinition } from './types'
import { mailAuthKey, reachableHosts } from './web'

export const fe: RoleDefinition = {
  spec: (c) => {
    const { topology: t, server } = c
    const pub = publicNetwork(t)
    const extIp = server.nics.find((n) => n.network === pub.id)?.ip
    if (!extIp) throw new Error(`${server.id}: a frontend needs a NIC on the public network ${pub.id}`)
    const webs = reachableHosts(c, 'web')
    if (webs.length === 0) throw new Error(`${server.id}: no web server shares a network with it; nginx has nothing to proxy to`)
    // VRRP speaks unicast to the other frontends' addresses on the same (public) network
    const peers = allServers(t)
      .filter((p) => p.server.role === 'fe' && p.server.id !== server.id)
      .flatMap((p) => p.server.nics.filter((n) => n.network === pub.id).map((n) => n.ip))
    // file nodes for /dav/ and FTP, each with its passive port range (a node the frontend can't reach is left out)
    const files = c.serversOf('file').flatMap((id) => {
      try {
        return [`${id}=${c.ipOf(id)}=${pasvRange(c, id).join('-')}`]
      } catch {
        return []
      }
    })
    return {
      volumes: { tls: '/etc/racklab/tls' },
      env: {
        UPSTREAMS: webs.map((w) => `${w.id}=${w.ip}`).join(','),
        AUTH_KEY: mailAuthKey(c.secrets),
        FILE_NODES: files.join(','),
        EXT_IP: extIp,
        VRRP: vrrpInstances(t, server.id),
        VRRP_PEERS: peers.join(','),
      },
      tmpfs: ['/run'],
      capabilities: {
        ...SERVICE_USER,
        ...LOW_PORTS,
        NET_ADMIN: 'keepalived adds and removes the service IPs',
        NET_RAW: 'keepalived sends VRRP and gratuitous ARP',
      },
      // nginx workers, keepalived, s6
      pidsLimit: 256,
      // a ceiling: nginx and keepalived stop on SIGTERM at once (keepalived sends its priority-0 advert first);
      // neither keeps data
      stopTimeout: 10,
    }
  },
  afterHealthy: provisionFrontendTls,
  // what it checks and installs: a new container, another lab CA or other names run it again (a certificate
  // expired on purpose by a fault stays until that fault's undo, as before)
  provision: { keptIn: 'container', inputs: frontendTlsInputs },
  // nginx's upstreams are addresses (env), and its health is its own status page, not the web pool's
  bootsAlone: true,
  bootS: 4, // nginx held 1 s, then VRRP: FAULT → BACKUP → MASTER
  actions: feActions,
}
