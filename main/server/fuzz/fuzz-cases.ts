// Test support: seeded generators of hostile input for `racklab serve` — malformed HTTP requests and
// WebSocket frames a browser would never send. The same seed gives the same cases, so a failure replays.
import { MAX_PAYLOAD } from '@contract/wire'
import { frame, textFrame, upgradeRequest } from './ws-frames'

/** mulberry32: small, fast and good enough to pick cases */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface FuzzCase {
  kind: string
  chunks: Buffer[]
  /** half-close after writing, so the server sees EOF mid-request */
  end: boolean
}

export interface Target {
  host: string
  token: string
}

type Rand = () => number
const int = (r: Rand, n: number): number => Math.floor(r() * n)
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!
const bytes = (r: Rand, n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(r, 256)))

const PATH_PIECES = ['/', '//', '[', ']', '..', '%', '%E0%A4%A', '%zz', '%00', '%2e%2e%2f', '%C0%AF', '%FF', '?', '#', 'ws', 'index.html', '\u00e9', '%', '@', ':', '\\', 'a'.repeat(300)]
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'BREW', '', 'G\u00c9T']
const BAD_UTF8 = [Buffer.from([0xc3, 0x28]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf0, 0x28, 0x8c, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff])]

function randomPath(r: Rand): string {
  const n = 1 + int(r, 6)
  let p = r() < 0.8 ? '/' : ''
  for (let i = 0; i < n; i++) p += pick(r, PATH_PIECES)
  return p
}

function hostHeader(r: Rand, t: Target): string | undefined {
  return pick(r, [t.host, t.host, t.host, 'evil.example', '', `${t.host}.evil.example`, '[', undefined, `${t.host}, evil.example`])
}

function httpRequest(r: Rand, t: Target): FuzzCase {
  const headers: string[] = []
  const host = hostHeader(r, t)
  if (host !== undefined) headers.push(`Host: ${host}`)
  if (r() < 0.3) headers.push(`Origin: ${pick(r, [`http://${t.host}`, 'http://evil.example', 'null', '\u00ff\u00fe', ''])}`)
  if (r() < 0.1) headers.push(`X-Huge: ${'h'.repeat(16_000 + int(r, 100_000))}`)
  if (r() < 0.1) for (let i = 0; i < 500; i++) headers.push(`X-Many-${i}: ${i}`)
  if (r() < 0.1) headers.push('Transfer-Encoding: chunked')
  if (r() < 0.1) headers.push(`Content-Length: ${pick(r, ['-1', '99999999999999999999', 'abc', '10', '0'])}`)
  if (r() < 0.05) headers.push('Bad Header Name: x')
  const text = `${pick(r, METHODS)} ${randomPath(r)} HTTP/${pick(r, ['1.1', '1.0', '2.0', '9'])}\r\n${headers.join('\r\n')}\r\n\r\n`
  let req = Buffer.from(text, 'latin1')
  if (r() < 0.2) req = Buffer.concat([req, bytes(r, int(r, 2000))])
  if (r() < 0.2) req = req.subarray(0, int(r, req.length))
  return { kind: 'http', chunks: [req], end: r() < 0.5 }
}

function garbage(r: Rand): FuzzCase {
  return { kind: 'garbage', chunks: [bytes(r, 1 + int(r, 4096))], end: r() < 0.5 }
}

function hostileUpgrade(r: Rand, t: Target): FuzzCase {
  const path = pick(r, [`/ws?token=${t.token}`, '/ws', '/ws?token=wrong', `/ws?token=${t.token}%`, '//[', 'http://[/', `/ws%E0%A4%A?token=${t.token}`, randomPath(r)])
  const headers: Record<string, string> = {}
  const host = hostHeader(r, t)
  if (host !== undefined) headers.Host = host
  if (r() < 0.3) headers.Origin = pick(r, [`http://${t.host}`, 'http://evil.example', 'null'])
  if (r() < 0.2) headers['Sec-WebSocket-Version'] = pick(r, ['8', '', 'x', '99999999999'])
  if (r() < 0.2) headers['Sec-WebSocket-Key'] = pick(r, ['', 'short', '\u00ff'.repeat(24)])
  if (r() < 0.1) headers['Sec-WebSocket-Extensions'] = pick(r, ['permessage-deflate; client_max_window_bits=99', ';;;', 'x'.repeat(5000)])
  const req = upgradeRequest(path, headers)
  return { kind: 'upgrade', chunks: [r() < 0.2 ? req.subarray(0, int(r, req.length)) : req], end: r() < 0.3 }
}

/** one WebSocket frame or message that is wrong in some way (or right but with a hostile payload) */
function hostileFrames(r: Rand): Buffer[] {
  const call = (arg: unknown, cmd: unknown = pick(r, ['engine.status', 'server.control', 'lab.logs', 'no.such', 42, null])): string => JSON.stringify({ t: 'call', id: int(r, 1e6), cmd, arg })
  switch (int(r, 14)) {
    case 0:
      return [bytes(r, 1 + int(r, 512))]
    case 1: // truncated: the header promises more than arrives
      return [frame({ opcode: 1, payload: Buffer.from('{"t":"call"'), claimedLength: 5000 })]
    case 2: // reserved opcodes
      return [frame({ opcode: pick(r, [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]), payload: bytes(r, int(r, 100)) })]
    case 3: // RSV bits without a negotiated extension
      return [frame({ opcode: 1, rsv: 1 + int(r, 7), payload: Buffer.from(call(undefined)) })]
    case 4: // clients must mask
      return [frame({ opcode: 1, masked: false, payload: Buffer.from(call(undefined)) })]
    case 5: // text that is not UTF-8
      return [frame({ opcode: 1, payload: Buffer.concat([Buffer.from('{"t":"call","id":1,"cmd":"'), pick(r, BAD_UTF8), Buffer.from('"}')]) })]
    case 6: // more than the maximum payload, as JSON
      return [textFrame(call({ blob: 'x'.repeat(MAX_PAYLOAD + int(r, 4096)) }))]
    case 7: { // deep nesting, just under the maximum payload
      const depth = 100_000 + int(r, 300_000)
      return [textFrame(`{"t":"call","id":7,"cmd":"server.control","arg":${'['.repeat(depth)}${']'.repeat(depth)}}`)]
    }
    case 8: // control frames that break the rules: fragmented, or longer than 125 bytes
      return [frame({ opcode: pick(r, [8, 9, 0xa]), fin: r() < 0.5, payload: bytes(r, r() < 0.5 ? 126 + int(r, 200) : int(r, 10)) })]
    case 9: // continuation with nothing to continue, or a fragment never finished
      return [frame({ opcode: r() < 0.5 ? 0 : 1, fin: false, payload: Buffer.from('{"t":') }), ...(r() < 0.5 ? [frame({ opcode: 1, payload: Buffer.from('x') })] : [])]
    case 10: // binary frames
      return [frame({ opcode: 2, payload: bytes(r, int(r, 1000)) })]
    case 11: // well-formed JSON that is not a call
      return [textFrame(pick(r, ['null', '[]', '1e999', '"x"', '{"t":"call"}', '{"t":"call","id":"1"}', '{"__proto__":{"t":"call"},"id":1}', '{}', 'true']))]
    case 12: // calls with hostile arguments
      return [textFrame(call(pick(r, [null, { server: '\u0000' }, { server: 'db2', op: 'x'.repeat(10000) }, { topology: '['.repeat(5000) }, { __proto__: { polluted: true } }, -0, 'a'])))]
    default: // a close frame with a code that is not allowed
      return [frame({ opcode: 8, payload: Buffer.from([int(r, 256), int(r, 256), ...bytes(r, int(r, 20))]) })]
  }
}

function websocketSession(r: Rand, t: Target): FuzzCase {
  const frames: Buffer[] = []
  const n = 1 + int(r, 3)
  for (let i = 0; i < n; i++) frames.push(...hostileFrames(r))
  const all = Buffer.concat(frames)
  const cut = r() < 0.15 ? all.subarray(0, int(r, all.length)) : all
  return { kind: 'websocket', chunks: [upgradeRequest(`/ws?token=${t.token}`, { Host: t.host }), cut], end: r() < 0.3 }
}

export function fuzzCase(r: Rand, t: Target): FuzzCase {
  const x = r()
  if (x < 0.3) return httpRequest(r, t)
  if (x < 0.4) return garbage(r)
  if (x < 0.55) return hostileUpgrade(r, t)
  return websocketSession(r, t)
}
