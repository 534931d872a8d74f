// `docker build` of a context directory with the legacy builder, progress from "Step N/M".
import { readdir } from 'node:fs/promises'
import { relative, join } from 'node:path'
import type Docker from 'dockerode'
import { LabError } from '@contract/errors'
import { AbortedError, InStreamError, followJsonStream } from './json-stream'
import { dockerMessage } from './errors'
import type { BuildProgress } from './types'

/** "Step 3/9 : RUN apt-get ..." → {step: 3, steps: 9}; anything else → undefined. */
export function parseStep(line: string): { step: number; steps: number } | undefined {
  const m = /^Step (\d+)\/(\d+) :/.exec(line)
  return m ? { step: Number(m[1]), steps: Number(m[2]) } : undefined
}

/** Every file under dir, relative (dockerode tars exactly these and applies .dockerignore). */
async function contextFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => !e.isDirectory()).map((e) => relative(dir, join(e.parentPath, e.name)))
}

export async function buildContext(
  docker: Docker,
  contextDir: string,
  tag: string,
  onProgress: (p: BuildProgress) => void,
  signal?: AbortSignal,
  buildArgs?: Record<string, string>,
): Promise<void> {
  let src: string[]
  try {
    src = await contextFiles(contextDir)
  } catch (e) {
    throw new LabError('BUILD_FAILED', `cannot read the build context for ${tag} at ${contextDir}: ${(e as Error).message}`)
  }
  if (!src.includes('Dockerfile')) throw new LabError('BUILD_FAILED', `no Dockerfile in ${contextDir} (building ${tag})`)
  let step = -1
  let steps = -1
  const tail: string[] = []
  try {
    // version '1' = legacy builder; rm/forcerm drop intermediate containers even on failure
    const opts: Docker.ImageBuildOptions = { t: tag, rm: true, forcerm: true, version: '1', abortSignal: signal }
    if (buildArgs && Object.keys(buildArgs).length) opts.buildargs = buildArgs
    const stream = (await docker.buildImage({ context: contextDir, src }, opts)) as NodeJS.ReadableStream
    await followJsonStream(
      stream,
      (item) => {
        const text = (item.stream ?? item.status ?? '').replace(/\n$/, '')
        if (!text.trim()) return
        for (const line of text.split('\n')) {
          const s = parseStep(line)
          if (s) ({ step, steps } = s)
          tail.push(line)
          if (tail.length > 20) tail.shift()
          onProgress({ image: tag, step, steps, text: line })
        }
      },
      signal,
    )
  } catch (e) {
    if (e instanceof AbortedError || signal?.aborted) throw new LabError('CANCELLED', `the build of ${tag} was cancelled`)
    const msg = e instanceof InStreamError ? e.message : dockerMessage(e)
    const at = step > 0 ? ` at step ${step}/${steps}` : ''
    throw new LabError('BUILD_FAILED', `building ${tag} failed${at}: ${msg}`, { output: tail })
  }
}
