// A few small files as a POSIX ustar archive, the form Docker's "put archive" takes to place files in a container
// before its start (no exec, no runc: dockerd extracts it into the container's own layer). Owner root, mtime 0.
export interface TarFile {
  /** a plain name, no directories */
  name: string
  content: string
  /** permission bits, e.g. 0o600 */
  mode: number
}

const BLOCK = 512

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0'
}

function header(f: TarFile, size: number): Buffer {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(f.name)) throw new Error(`tar: "${f.name}" is not a plain file name`)
  const h = Buffer.alloc(BLOCK)
  h.write(f.name, 0, 'ascii')
  h.write(octal(f.mode & 0o7777, 8), 100, 'ascii')
  h.write(octal(0, 8), 108, 'ascii') // uid
  h.write(octal(0, 8), 116, 'ascii') // gid
  h.write(octal(size, 12), 124, 'ascii')
  h.write(octal(0, 12), 136, 'ascii') // mtime
  h.write('        ', 148, 'ascii') // checksum field counts as spaces while summing
  h.write('0', 156, 'ascii') // regular file
  h.write('ustar\0', 257, 'ascii')
  h.write('00', 263, 'ascii')
  let sum = 0
  for (const b of h) sum += b
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii')
  return h
}

export function tarFiles(files: readonly TarFile[]): Buffer {
  const parts: Buffer[] = []
  for (const f of files) {
    const body = Buffer.from(f.content, 'utf8')
    parts.push(header(f, body.length), body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK))
  }
  parts.push(Buffer.alloc(BLOCK * 2))
  return Buffer.concat(parts)
}
