// Build one lab image. Role images get the shared Perl library (lab-images/perl) in their context as
// perl-lib/, so a module like Racklab::MessageId exists once in the repo and in every image that needs it.
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BuildProgress, DockerGateway } from '../docker/types'
import type { ImageCatalog, ImageRef } from './images'

export async function buildLabImage(gw: DockerGateway, images: ImageCatalog, ref: ImageRef, onProgress: (p: BuildProgress) => void, signal?: AbortSignal): Promise<void> {
  if (ref.role === 'base') return gw.buildImage(ref.dir, ref.tag, onProgress, signal, {})
  const stage = mkdtempSync(join(tmpdir(), `racklab-build-${ref.role}-`))
  try {
    cpSync(ref.dir, stage, { recursive: true })
    cpSync(images.sharedPerlDir(), join(stage, 'perl-lib'), { recursive: true, filter: (src) => !src.endsWith('.md') })
    await gw.buildImage(stage, ref.tag, onProgress, signal, { BASE: images.base().tag })
  } finally {
    rmSync(stage, { recursive: true, force: true })
  }
}
