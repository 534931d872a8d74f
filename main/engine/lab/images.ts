// Lab images: lab-images/base plus one folder per role. Each image is tagged with a hash of its build
// context (and of the base's), so an edited Dockerfile or config is rebuilt and an unchanged one never is.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

export interface ImageRef {
  role: string
  dir: string
  tag: string
}

export function contextHash(dir: string): string {
  const h = createHash('sha256')
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      const st = statSync(p)
      if (st.isDirectory()) walk(p)
      else {
        h.update(relative(dir, p) + '\0' + (st.mode & 0o111 ? 'x' : '-') + '\0')
        h.update(readFileSync(p))
      }
    }
  }
  walk(dir)
  return h.digest('hex').slice(0, 12)
}

/** what a context hash would change with, for the price of a stat per file: names, sizes, modes and mtimes */
export function contextStamp(dir: string): string {
  const parts: string[] = []
  const walk = (d: string): void => {
    if (!existsSync(d)) return
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      const st = statSync(p)
      if (st.isDirectory()) walk(p)
      else parts.push(`${relative(dir, p)}:${st.size}:${st.mode}:${st.mtimeMs}`)
    }
  }
  walk(dir)
  return parts.join('\n')
}

/** how long a folder's stamp is believed without a new look (status asks for every server's image at each change) */
export const STAMP_TTL_MS = 2000

export class ImageCatalog {
  // a folder's hash is kept while its stamp stays the same: the engine service lives on between commands, and a lab
  // image edited meanwhile must be rebuilt by the next `up`, not after a restart of the service. One entry per
  // folder, so base/ and perl/ are walked once for a role, not once per image that builds on them. A stamp is taken
  // again only after STAMP_TTL_MS or a revalidate() (`up` calls it first): the lab's status names every server's
  // image and is composed at every change, and a stat of every file of base/, perl/ and the role per server, each
  // time, was a fifth of the engine's CPU during an `up` (the 2 cores the servers boot on)
  private readonly hashes = new Map<string, { stamp: string; hash: string; at: number }>()

  /** isRole: whether the engine knows how to run a role (a folder alone is not enough) */
  constructor(
    readonly imagesDir: string,
    private readonly isRole: (role: string) => boolean = () => true,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** look at every folder again at its next use: what `up` builds and starts is what is on disk now */
  revalidate(): void {
    for (const h of this.hashes.values()) h.at = -Infinity
  }

  base(): ImageRef {
    const dir = join(this.imagesDir, 'base')
    return { role: 'base', dir, tag: `racklab/base:${this.hashOf(dir)}` }
  }

  /** Perl modules every role image gets as perl-lib/ in its build context */
  sharedPerlDir(): string {
    return join(this.imagesDir, 'perl')
  }

  /** undefined when the role has no image folder, or no role module, yet */
  role(role: string): ImageRef | undefined {
    if (!this.isRole(role)) return undefined
    return this.derived(role, [this.base().tag.split(':')[1]!, this.hashOf(this.sharedPerlDir())])
  }

  /** an image the engine itself uses beside the roles (lab-images/netfault: the network-fault sidecar) */
  helper(name: string): ImageRef | undefined {
    return this.derived(name, [this.base().tag.split(':')[1]!])
  }

  /** the image of folder `name`, tagged by what it builds on and its own context */
  private derived(name: string, on: string[]): ImageRef | undefined {
    const dir = join(this.imagesDir, name)
    if (!existsSync(join(dir, 'Dockerfile'))) return undefined
    return { role: name, dir, tag: `racklab/${name}:${createHash('sha256').update([...on, this.hashOf(dir)].join('/')).digest('hex').slice(0, 12)}` }
  }

  private hashOf(dir: string): string {
    const hit = this.hashes.get(dir)
    const at = this.now()
    if (hit && at - hit.at < STAMP_TTL_MS) return hit.hash
    const stamp = contextStamp(dir)
    const hash = hit?.stamp === stamp ? hit.hash : contextHash(dir)
    this.hashes.set(dir, { stamp, hash, at })
    return hash
  }
}
