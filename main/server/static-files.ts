// Serves the built renderer (dist-web/) read-only; paths are confined to the root.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'

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
    const url = new URL(req.url ?? '/', 'http://x')
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
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
      createReadStream(file).pipe(res)
    } catch {
      send(res, 404, 'not found')
    }
  }
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
  res.end(text)
}
