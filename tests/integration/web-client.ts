// A small HTTPS client for the web-tier tests and bench: one new TLS connection per request (so the edge
// resolves and picks a frontend every time), the lab CA as the only trust anchor, cookies kept by hand.
import { request } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { gunzipSync } from 'node:zlib'

export interface WebResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** decompressed body */
  body: string
  /** decompressed body, as bytes (a download) */
  raw: Buffer
  encoding: string | undefined
  /** TLS peer certificate verified against the lab CA */
  authorized: boolean
  setCookies: string[]
}

export interface WebClientOptions {
  host?: string
  port: number
  ca: string
  /** the name the certificate is checked against */
  servername?: string
  /** ask the frontends for this web backend (X-Racklab-Backend: its pinned pool) instead of their round robin */
  backend?: string
}

/** one file field of a multipart/form-data POST */
export interface UploadFile {
  field: string
  filename: string
  bytes: Buffer
}

/** a multipart/form-data body (RFC 7578): the text fields, then the file */
function multipart(form: Record<string, string>, file: UploadFile): { type: string; body: Buffer } {
  const boundary = `----racklab${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(form)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`))
  parts.push(file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`))
  return { type: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) }
}

export function webClient(o: WebClientOptions): {
  get(path: string, cookie?: string): Promise<WebResponse>
  post(path: string, form: Record<string, string>, cookie?: string): Promise<WebResponse>
  upload(path: string, form: Record<string, string>, file: UploadFile, cookie?: string): Promise<WebResponse>
} {
  const send = (method: string, path: string, body?: string | { type: string; body: Buffer }, cookie?: string): Promise<WebResponse> =>
    new Promise((resolve, reject) => {
      // how far a request got, for a timeout to say which hop held it: no TCP connection (the edge), no TLS
      // (the edge's relay or the frontend), or no answer to a sent request (the frontend's backend)
      let phase = 'connecting'
      const headers: Record<string, string> = { 'Accept-Encoding': 'gzip', Host: o.servername ?? 'www.fastmail.test' }
      if (cookie) headers.Cookie = cookie
      if (o.backend) headers['X-Racklab-Backend'] = o.backend
      if (body !== undefined) {
        headers['Content-Type'] = typeof body === 'string' ? 'application/x-www-form-urlencoded' : body.type
        headers['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.body.length)
      }
      const req = request(
        { host: o.host ?? '127.0.0.1', port: o.port, method, path, headers, ca: o.ca, servername: o.servername ?? 'www.fastmail.test', agent: false, timeout: 20_000 },
        (res) => {
          phase = `reading the body of HTTP ${res.statusCode ?? '?'}`
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const wire = Buffer.concat(chunks)
            const encoding = res.headers['content-encoding']
            const sock = res.socket as TLSSocket
            const raw = encoding === 'gzip' ? gunzipSync(wire) : wire
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: raw.toString('utf8'),
              raw,
              encoding,
              authorized: sock.authorized,
              setCookies: res.headers['set-cookie'] ?? [],
            })
          })
        },
      )
      req.on('socket', (s) => {
        s.once('connect', () => (phase = 'in the TLS handshake'))
        s.once('secureConnect', () => (phase = 'waiting for the answer'))
      })
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out after 20 s ${phase}`)))
      req.on('error', reject)
      req.end(typeof body === 'string' || body === undefined ? body : body.body)
    })
  return {
    get: (path, cookie) => send('GET', path, undefined, cookie),
    post: (path, form, cookie) => send('POST', path, new URLSearchParams(form).toString(), cookie),
    upload: (path, form, file, cookie) => send('POST', path, multipart(form, file), cookie),
  }
}

/** a logged-in webmail session: the URL salt and the cookie, both needed on every request */
export interface WebSession {
  salt: string
  cookie: string
  csrf: string
}

export async function login(c: ReturnType<typeof webClient>, user: string, password: string): Promise<WebSession> {
  const r = await c.post('/login', { username: user, password })
  const loc = String(r.headers.location ?? '')
  const salt = /[?&]s=([0-9a-f]+)/.exec(loc)?.[1]
  const cookie = r.setCookies.map((s) => /^(fm_session=[0-9a-f]+)/.exec(s)?.[1]).find(Boolean)
  if (r.status !== 303 || !salt || !cookie) throw new Error(`login as ${user} failed: HTTP ${r.status} ${loc}`)
  const inbox = await c.get(`/mail/inbox?s=${salt}&f=INBOX`, cookie)
  const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(inbox.body)?.[1]
  if (!csrf) throw new Error(`no CSRF token on ${user}'s inbox page (HTTP ${inbox.status})`)
  return { salt, cookie, csrf }
}

/** the page without its footer ("served by web1"), which legitimately differs between backends */
export const withoutFooter = (html: string): string => html.replace(/<div id="foot">.*?<\/div>/s, '')
