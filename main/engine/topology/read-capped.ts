// Topology and scenario files are parsed whole (YAML with positions, then zod): a multi-gigabyte file, or
// /dev/zero, would take the engine's memory and time. They are read up to a cap and refused beyond it.
import { open } from 'node:fs/promises'

export const MAX_DOCUMENT_BYTES = 1024 * 1024

/** thrown with code EFBIG when the file holds more than the cap */
export class DocumentTooLarge extends Error {
  readonly code = 'EFBIG'
  constructor(readonly max: number) {
    super(`it is larger than the ${max === MAX_DOCUMENT_BYTES ? '1 MiB' : `${max}-byte`} limit`)
  }
}

/** the file's text, reading at most max + 1 bytes (so a file that never ends is caught too) */
export async function readCappedText(file: string, max = MAX_DOCUMENT_BYTES): Promise<string> {
  const fh = await open(file, 'r')
  try {
    const buf = Buffer.alloc(max + 1)
    let n = 0
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null)
      if (bytesRead === 0) break
      n += bytesRead
      if (n > max) throw new DocumentTooLarge(max)
    }
    return buf.subarray(0, n).toString('utf8')
  } finally {
    await fh.close()
  }
}
