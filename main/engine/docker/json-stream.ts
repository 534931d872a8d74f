// Docker's progress streams (build, pull, import, events) are newline-delimited JSON. Chunk
// boundaries fall anywhere, and failures arrive *inside* a 200 response (dockerode#639).

/** Split a byte stream into complete lines; the tail is kept until its newline arrives. */
export class LineSplitter {
  private rest = ''
  push(chunk: Buffer | string): string[] {
    this.rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
    const parts = this.rest.split('\n')
    this.rest = parts.pop() ?? ''
    return parts.map((l) => l.replace(/\r$/, ''))
  }
  flush(): string[] {
    const last = this.rest
    this.rest = ''
    return last ? [last] : []
  }
}

export interface ProgressItem {
  stream?: string
  status?: string
  progress?: string
  id?: string
  aux?: { ID?: string }
  error?: string
  errorDetail?: { message?: string; code?: number }
}

/** An error docker reported inside a successful HTTP response. */
export class InStreamError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InStreamError'
  }
}

export class AbortedError extends Error {
  constructor() {
    super('cancelled')
    this.name = 'AbortedError'
  }
}

/**
 * Read a JSON-lines progress stream to its end. Resolves with every item; rejects with
 * InStreamError on the first {error}, AbortedError on abort, or the stream's own error.
 */
export function followJsonStream(stream: NodeJS.ReadableStream, onItem: (item: ProgressItem) => void, signal?: AbortSignal): Promise<ProgressItem[]> {
  return new Promise((resolve, reject) => {
    const items: ProgressItem[] = []
    const lines = new LineSplitter()
    let failure: string | undefined
    let done = false
    const finish = (err?: Error): void => {
      if (done) return
      done = true
      signal?.removeEventListener('abort', onAbort)
      if (err) reject(err)
      else if (failure !== undefined) reject(new InStreamError(failure))
      else resolve(items)
    }
    const take = (line: string): void => {
      if (!line.trim()) return
      let item: ProgressItem
      try {
        item = JSON.parse(line) as ProgressItem
      } catch {
        item = { stream: `${line}\n` }
      }
      items.push(item)
      if ((item.error || item.errorDetail) && failure === undefined) failure = (item.errorDetail?.message ?? item.error ?? 'unknown error').trim()
      onItem(item)
    }
    const onAbort = (): void => {
      const s = stream as NodeJS.ReadableStream & { destroy?: () => void }
      s.destroy?.()
      finish(new AbortedError())
    }
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    stream.on('data', (c: Buffer | string) => lines.push(c).forEach(take))
    stream.on('end', () => {
      lines.flush().forEach(take)
      finish()
    })
    // 'close' without 'end' means the connection dropped mid-stream (daemon restart, socket cut)
    stream.on('close', () => finish(done ? undefined : new Error('the Docker stream closed before it finished')))
    stream.on('error', (e: Error) => finish(e))
  })
}
