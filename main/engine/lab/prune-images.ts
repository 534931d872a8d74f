// Every edit of a role's files makes a new image tag; without pruning, a laptop collects gigabytes of
// stale lab images. After a successful build, drop racklab/<role> tags other than the current ones.
// Docker refuses to remove an image a container still uses, so a running lab never loses its image.
// Only images we built go: a racklab/<name> tag whose image lacks our label racklab.image=<name> is someone else's.
import { LABEL_IMAGE, type DockerGateway } from '../docker/types'
import type { ImageCatalog } from './images'

export async function pruneStaleImages(gw: DockerGateway, images: ImageCatalog, roles: string[]): Promise<string[]> {
  const keep = new Set([images.base().tag, ...roles.map((r) => images.role(r)?.tag).filter((t): t is string => !!t)])
  const removed: string[] = []
  for (const name of ['base', ...roles])
    for (const { tag, labels } of await gw.listImageTags(`racklab/${name}`))
      if (!keep.has(tag) && labels[LABEL_IMAGE] === name && (await gw.removeImage(tag))) removed.push(tag)
  return removed
}
