// One listener for both servers (one lab, a workshop): plain HTTP on loopback, HTTPS with serve-tls.ts's
// certificate when told to (a LAN address).
import { createServer as createHttp, type RequestListener, type Server } from 'node:http'
import { createServer as createHttps } from 'node:https'

export interface TlsPair {
  certPem: string
  keyPem: string
}

export const createHttpOrHttps = (handler: RequestListener, tls?: TlsPair): Server =>
  tls ? createHttps({ cert: tls.certPem, key: tls.keyPem, minVersion: 'TLSv1.2' }, handler) : createHttp(handler)

export const schemeOf = (tls?: TlsPair): 'http' | 'https' => (tls ? 'https' : 'http')
