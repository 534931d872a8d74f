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

export class ImageCatalog {
  private readonly cache = new Map<string, ImageRef | undefined>()

  /** isRole: whether the engine knows how to run a role (a folder alone is not enough) */
  constructor(
    readonly imagesDir: string,
    private readonly isRole: (role: string) => boolean = () => true,
  ) {}

  base(): ImageRef {
    const dir = join(this.imagesDir, 'base')
    return this.memo('base', () => ({ role: 'base', dir, tag: `racklab/base:${contextHash(dir)}` }))!
  }

  /** Perl modules every role image gets as perl-lib/ in its build context */
  sharedPerlDir(): string {
    return join(this.imagesDir, 'perl')
  }

  /** undefined when the role has no image folder, or no role module, yet */
  role(role: string): ImageRef | undefined {
    if (!this.isRole(role)) return undefined
    return this.memo(role, () => {
      const dir = join(this.imagesDir, role)
      if (!existsSync(join(dir, 'Dockerfile'))) return undefined
      const baseHash = this.base().tag.split(':')[1]
      const perlHash = contextHash(this.sharedPerlDir())
      const tag = `racklab/${role}:${createHash('sha256').update(`${baseHash}/${perlHash}/${contextHash(dir)}`).digest('hex').slice(0, 12)}`
      return { role, dir, tag }
    })
  }

  /** an image the engine itself uses beside the roles (lab-images/netfault: the network-fault sidecar) */
  helper(name: string): ImageRef | undefined {
    return this.memo(`helper:${name}`, () => {
      const dir = join(this.imagesDir, name)
      if (!existsSync(join(dir, 'Dockerfile'))) return undefined
      const baseHash = this.base().tag.split(':')[1]
      return { role: name, dir, tag: `racklab/${name}:${createHash('sha256').update(`${baseHash}/${contextHash(dir)}`).digest('hex').slice(0, 12)}` }
    })
  }

  private memo(key: string, make: () => ImageRef | undefined): ImageRef | undefined {
    if (!this.cache.has(key)) this.cache.set(key, make())
    return this.cache.get(key)
  }
}
