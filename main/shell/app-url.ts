// Which URLs are the Racklab app itself: the window may show only these, and only these may call the engine.
// Packaged, that is one file (renderer/index.html) — not any file:// URL, which would let a downloaded HTML
// file drive the lab. In development, the electron-vite dev server's origin; compared as an origin, since a
// prefix test would let http://localhost:5173.evil.example through.

export interface AppUrlSource {
  /** ELECTRON_RENDERER_URL, set by electron-vite in development only */
  devUrl?: string
  /** file:// URL of the packaged renderer/index.html */
  indexUrl: string
}

const parse = (url: string): URL | undefined => {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

/** a predicate for the app's URLs; the fragment is ignored, everything else must match */
export function appUrlMatcher(src: AppUrlSource): (url: string) => boolean {
  if (src.devUrl) {
    const origin = parse(src.devUrl)?.origin
    if (!origin || origin === 'null') throw new Error(`ELECTRON_RENDERER_URL is not an http(s) URL: ${JSON.stringify(src.devUrl)}`)
    return (url) => parse(url)?.origin === origin
  }
  const index = parse(src.indexUrl)
  if (index?.protocol !== 'file:') throw new Error(`the packaged renderer is not a file:// URL: ${JSON.stringify(src.indexUrl)}`)
  index.hash = ''
  return (url) => {
    const u = parse(url)
    if (!u) return false
    u.hash = ''
    return u.href === index.href
  }
}
