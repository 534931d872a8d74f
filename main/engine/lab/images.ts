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

export class ImageCatalog {
  // hashes are kept while the folders' stamps stay the same: the engine service lives on between commands,
  // and a lab image edited meanwhile must be rebuilt by the next `up`, not after a restart of the service
  private readonly cache = new Map<string, { stamp: string; ref: ImageRef | undefined }>()

  /** isRole: whether the engine knows how to run a role (a folder alone is not enough) */
  constructor(
    readonly imagesDir: string,
    private readonly isRole: (role: string) => boolean = () => true,
  ) {}

  base(): ImageRef {
    const dir = join(this.imagesDir, 'base')
    return this.memo('base', [dir], () => ({ role: 'base', dir, tag: `racklab/base:${contextHash(dir)}` }))!
  }

  /** Perl modules every role image gets as perl-lib/ in its build context */
  sharedPerlDir(): string {
    return join(this.imagesDir, 'perl')
  }

  /** undefined when the role has no image folder, or no role module, yet */
  role(role: string): ImageRef | undefined {
    if (!this.isRole(role)) return undefined
    const dir = join(this.imagesDir, role)
    return this.memo(role, [join(this.imagesDir, 'base'), this.sharedPerlDir(), dir], () => {
      if (!existsSync(join(dir, 'Dockerfile'))) return undefined
      const baseHash = this.base().tag.split(':')[1]
      const perlHash = contextHash(this.sharedPerlDir())
      const tag = `racklab/${role}:${createHash('sha256').update(`${baseHash}/${perlHash}/${contextHash(dir)}`).digest('hex').slice(0, 12)}`
      return { role, dir, tag }
    })
  }

  /** an image the engine itself uses beside the roles (lab-images/netfault: the network-fault sidecar) */
  helper(name: string): ImageRef | undefined {
    const dir = join(this.imagesDir, name)
    return this.memo(`helper:${name}`, [join(this.imagesDir, 'base'), dir], () => {
      if (!existsSync(join(dir, 'Dockerfile'))) return undefined
      const baseHash = this.base().tag.split(':')[1]
      return { role: name, dir, tag: `racklab/${name}:${createHash('sha256').update(`${baseHash}/${contextHash(dir)}`).digest('hex').slice(0, 12)}` }
    })
  }

  private memo(key: string, dirs: string[], make: () => ImageRef | undefined): ImageRef | undefined {
    const stamp = dirs.map(contextStamp).join('\n\n')
    const hit = this.cache.get(key)
    if (hit?.stamp === stamp) return hit.ref
    const ref = make()
    this.cache.set(key, { stamp, ref })
    return ref
  }
}
