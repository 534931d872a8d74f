// Every edit of a role's files makes a new image tag; without pruning, a laptop collects gigabytes of
// stale lab images. After a successful build, drop racklab/<role> tags other than the current ones.
// Docker refuses to remove an image a container still uses, so a running lab never loses its image.
import type { DockerGateway } from '../docker/types'
import type { ImageCatalog } from './images'

export async function pruneStaleImages(gw: DockerGateway, images: ImageCatalog, roles: string[]): Promise<string[]> {
  const keep = new Set([images.base().tag, ...roles.map((r) => images.role(r)?.tag).filter((t): t is string => !!t)])
  const removed: string[] = []
  for (const repo of ['racklab/base', ...roles.map((r) => `racklab/${r}`)])
    for (const tag of await gw.listImageTags(repo)) if (!keep.has(tag) && (await gw.removeImage(tag))) removed.push(tag)
  return removed
}
