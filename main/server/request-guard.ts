// Who may talk to `racklab serve`: one check for plain HTTP requests and WebSocket upgrades alike.
// A DNS-rebinding page arrives with a foreign Host header; another site's page with a foreign Origin.
import type { IncomingMessage } from 'node:http'

export interface Refusal {
  status: number
  why: string
}

/** the Host header values this server answers to: its own address, and localhost when bound to loopback */
export function allowedHosts(host: string, port: number): string[] {
  const shown = host.includes(':') ? `[${host}]` : host
  const hosts = [`${shown}:${port}`]
  if (host === '127.0.0.1') hosts.push(`localhost:${port}`)
  return hosts
}

/** undefined when the request may proceed; otherwise the status and reason to answer with */
export function refuseForeign(req: IncomingMessage, hosts: string[], scheme: 'http' | 'https' = 'http'): Refusal | undefined {
  const host = req.headers.host ?? ''
  if (!hosts.includes(host)) return { status: 421, why: `misdirected request for host ${JSON.stringify(host)}` }
  // browsers send Origin on WebSocket upgrades and cross-origin requests; a missing one is a non-browser client
  const origin = req.headers.origin
  if (origin !== undefined && !hosts.some((h) => origin === `${scheme}://${h}`)) return { status: 403, why: `forbidden origin ${JSON.stringify(origin)}` }
  return undefined
}
