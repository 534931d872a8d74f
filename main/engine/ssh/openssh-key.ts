// ed25519 keys in OpenSSH's own formats, made with node:crypto: the private key as an "OPENSSH PRIVATE KEY"
// block (openssh-key-v1, unencrypted; what sshd's HostKey and ssh -i read) and the public key as an
// authorized_keys / known_hosts line. No ssh-keygen needed on the engine's host.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'

const KEY_TYPE = 'ssh-ed25519'
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1')

export interface Ed25519Key {
  /** the 32-byte public key */
  pub: Buffer
  /** the 32-byte private seed */
  seed: Buffer
}

/** SSH wire "string": uint32 length, then the bytes */
function sshString(b: Buffer | string): Buffer {
  const body = typeof b === 'string' ? Buffer.from(b, 'latin1') : b
  const len = Buffer.alloc(4)
  len.writeUInt32BE(body.length)
  return Buffer.concat([len, body])
}

const uint32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}

export function newEd25519Key(): Ed25519Key {
  const { privateKey } = generateKeyPairSync('ed25519')
  const jwk = privateKey.export({ format: 'jwk' })
  return { pub: Buffer.from(jwk.x!, 'base64url'), seed: Buffer.from(jwk.d!, 'base64url') }
}

/** PKCS#8 DER of an ed25519 private key: this fixed header, then the 32-byte seed (RFC 8410) */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')

/** the public key an ed25519 seed gives */
function publicOf(seed: Buffer): Buffer {
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' })
  return Buffer.from(createPublicKey(priv).export({ format: 'jwk' }).x!, 'base64url')
}

/** the public key blob (string type, string key) that both line formats carry in base64 */
export const publicBlob = (k: Pick<Ed25519Key, 'pub'>): Buffer => Buffer.concat([sshString(KEY_TYPE), sshString(k.pub)])

/** "ssh-ed25519 AAAA… comment" */
export function publicKeyLine(k: Pick<Ed25519Key, 'pub'>, comment = ''): string {
  return `${KEY_TYPE} ${publicBlob(k).toString('base64')}${comment ? ` ${comment}` : ''}`
}

/** The openssh-key-v1 private key file (unencrypted, one key), as ssh-keygen writes it. */
export function privateKeyFile(k: Ed25519Key, comment = ''): string {
  const check = randomBytes(4)
  let secret = Buffer.concat([check, check, sshString(KEY_TYPE), sshString(k.pub), sshString(Buffer.concat([k.seed, k.pub])), sshString(comment)])
  // padded with 1, 2, 3… to the cipher's block size (8 for "none")
  const pad = (8 - (secret.length % 8)) % 8
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))])
  const body = Buffer.concat([MAGIC, sshString('none'), sshString('none'), sshString(''), uint32(1), sshString(publicBlob(k)), sshString(secret)])
  const lines = body.toString('base64').match(/.{1,70}/g)!
  return ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n')
}

/** reads SSH wire values from a buffer; running past its end means the key file was cut short */
class WireReader {
  constructor(
    private readonly b: Buffer,
    private at = 0,
  ) {}
  uint32(): number {
    if (this.at + 4 > this.b.length) throw new Error('the key is truncated')
    const n = this.b.readUInt32BE(this.at)
    this.at += 4
    return n
  }
  string(): Buffer {
    const n = this.uint32()
    if (this.at + n > this.b.length) throw new Error('the key is truncated')
    const v = this.b.subarray(this.at, this.at + n)
    this.at += n
    return v
  }
}

/** Read back a file privateKeyFile (or ssh-keygen) wrote: unencrypted ed25519 only. Throws naming what is wrong. */
export function parsePrivateKeyFile(text: string): Ed25519Key {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text)
  if (!m) throw new Error('not an OpenSSH private key (no BEGIN/END OPENSSH PRIVATE KEY block)')
  const b = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')
  if (!b.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not an openssh-key-v1 key')
  const r = new WireReader(b, MAGIC.length)
  if (r.string().toString() !== 'none' || r.string().toString() !== 'none') throw new Error('the key is encrypted (racklab only keeps unencrypted lab keys)')
  r.string() // kdf options
  if (r.uint32() !== 1) throw new Error('the file holds more than one key')
  r.string() // the public key again; the secret section has it too
  const secret = new WireReader(r.string())
  if (secret.uint32() !== secret.uint32()) throw new Error('the key is damaged (check bytes differ)')
  if (secret.string().toString() !== KEY_TYPE) throw new Error(`not an ${KEY_TYPE} key`)
  const pub = secret.string()
  const both = secret.string()
  if (pub.length !== 32 || both.length !== 64 || !both.subarray(32).equals(pub)) throw new Error('the key is damaged (public and private halves differ)')
  const key = { pub: Buffer.from(pub), seed: Buffer.from(both.subarray(0, 32)) }
  if (!publicOf(key.seed).equals(key.pub)) throw new Error('the key is damaged (its seed does not give its public key)')
  return key
}

/** SHA256 fingerprint as ssh-keygen -l prints it ("SHA256:…", unpadded base64) */
export function fingerprint(k: Pick<Ed25519Key, 'pub'>): string {
  return `SHA256:${createHash('sha256').update(publicBlob(k)).digest('base64').replace(/=+$/, '')}`
}
