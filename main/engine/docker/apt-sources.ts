// Reads the host's apt sources to find a Debian mirror for debootstrap. Pure: text in, URIs out.
// The mirror comes from the machine we run on so the repo never names a mirror host.

export interface AptSource {
  types: string[]
  uris: string[]
  suites: string[]
  enabled: boolean
}

/** One-line format (/etc/apt/sources.list, *.list): `deb [opts] uri suite comp...` */
export function parseOneLineSources(text: string): AptSource[] {
  const out: AptSource[] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim()
    if (!line) continue
    // options in brackets may contain spaces: `deb [arch=amd64 signed-by=...] http://...`
    const m = /^(deb|deb-src)\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line)
    if (!m) continue
    out.push({ types: [m[1] ?? ''], uris: [m[2] ?? ''], suites: [m[3] ?? ''], enabled: true })
  }
  return out
}

/** deb822 format (*.sources): stanzas of `Field: value` separated by blank lines. */
export function parseDeb822Sources(text: string): AptSource[] {
  const out: AptSource[] = []
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>()
    let last: string | undefined
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue
      if (/^\s/.test(raw)) {
        // continuation line (multi-line Signed-By keys etc.)
        if (last) fields.set(last, `${fields.get(last) ?? ''} ${raw.trim()}`)
        continue
      }
      const m = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(raw)
      if (!m) continue
      last = (m[1] ?? '').toLowerCase()
      fields.set(last, (m[2] ?? '').trim())
    }
    const words = (k: string): string[] => (fields.get(k) ?? '').split(/\s+/).filter(Boolean)
    if (!fields.has('uris')) continue
    out.push({
      types: words('types'),
      uris: words('uris'),
      suites: words('suites'),
      enabled: (fields.get('enabled') ?? 'yes').toLowerCase() !== 'no',
    })
  }
  return out
}

/** Parse a file by its name: `.sources` is deb822, anything else one-line. */
export function parseSourcesFile(name: string, text: string): AptSource[] {
  return name.endsWith('.sources') ? parseDeb822Sources(text) : parseOneLineSources(text)
}

/** First http(s) URI of an enabled binary (`deb`) source that carries exactly `suite`. */
export function pickMirror(sources: AptSource[], suite: string): string | undefined {
  for (const s of sources) {
    if (!s.enabled || !s.types.includes('deb') || !s.suites.includes(suite)) continue
    const uri = s.uris.find((u) => /^https?:\/\//.test(u))
    if (uri) return uri.replace(/\/+$/, '')
  }
  return undefined
}

/** Files apt itself reads, in apt's order: sources.list, then sources.list.d sorted by name. */
export function aptSourceFileOrder(dirEntries: string[]): string[] {
  return dirEntries.filter((n) => /\.(list|sources)$/.test(n)).sort()
}
