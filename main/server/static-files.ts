// Serves the built renderer (dist-web/) read-only; paths are confined to the root. Malformed paths get 400:
// nothing a client sends may throw out of here.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { decodePathname, parseRequestTarget } from './request-url'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
}

export function staticHandler(rootDir: string): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const root = resolve(rootDir)
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed: the UI is read-only')
    const url = parseRequestTarget(req.url)
    const rel = url && decodePathname(url.pathname === '/' ? '/index.html' : url.pathname)
    if (rel === undefined) return send(res, 400, 'bad request: the path is not a valid percent-encoded URL path')
    const file = resolve(join(root, normalize(rel)))
    if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'forbidden')
    try {
      const st = await stat(file)
      if (!st.isFile()) return send(res, 404, 'not found')
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': st.size,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      })
      if (req.method === 'HEAD') return void res.end()
      // a file removed or unreadable after stat: drop the connection rather than emit an unhandled 'error'
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res)
    } catch {
      send(res, 404, 'not found')
    }
  }
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
  res.end(text)
}
