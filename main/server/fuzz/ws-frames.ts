// Test support: WebSocket frames built byte by byte (RFC 6455 §5.2), including ones a correct client never
// sends: reserved opcodes and bits, unmasked client frames, lengths that lie.
import { randomBytes } from 'node:crypto'

export interface FrameSpec {
  opcode: number
  payload: Buffer
  fin?: boolean
  /** the three RSV bits, 0–7 */
  rsv?: number
  /** clients must mask; false sends an unmasked frame */
  masked?: boolean
  /** a length field that differs from the payload actually sent */
  claimedLength?: number
}

export function frame(f: FrameSpec): Buffer {
  const len = f.claimedLength ?? f.payload.length
  const head: number[] = [((f.fin ?? true) ? 0x80 : 0) | ((f.rsv ?? 0) << 4) | (f.opcode & 0x0f)]
  const maskBit = (f.masked ?? true) ? 0x80 : 0
  let ext = Buffer.alloc(0)
  if (len < 126) head.push(maskBit | len)
  else if (len < 0x10000) {
    head.push(maskBit | 126)
    ext = Buffer.alloc(2)
    ext.writeUInt16BE(len)
  } else {
    head.push(maskBit | 127)
    ext = Buffer.alloc(8)
    ext.writeBigUInt64BE(BigInt(len))
  }
  if (!(f.masked ?? true)) return Buffer.concat([Buffer.from(head), ext, f.payload])
  const mask = randomBytes(4)
  const body = Buffer.from(f.payload)
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!
  return Buffer.concat([Buffer.from(head), ext, mask, body])
}

export const textFrame = (text: string): Buffer => frame({ opcode: 1, payload: Buffer.from(text) })

/** the HTTP request that opens a WebSocket on `path`, with extra or replaced headers */
export function upgradeRequest(path: string, headers: Record<string, string>): Buffer {
  const all: Record<string, string> = {
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  }
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`)
  return Buffer.from(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`, 'latin1')
}
