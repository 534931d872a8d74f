// Request targets come straight off the socket: parsing and percent-decoding them must never throw, because a
// throw in a request handler takes `racklab serve` down. Both answer undefined for anything malformed (→ 400).

/** the origin-form target ("/path?query") as a URL; undefined for anything else, e.g. "//[" or "*" */
export function parseRequestTarget(raw: string | undefined): URL | undefined {
  // Only origin-form is served. Prefixing a fixed origin keeps "//host/x" a path rather than an authority.
  if (raw === undefined || !raw.startsWith('/')) return undefined
  try {
    return new URL(`http://request${raw}`)
  } catch {
    return undefined
  }
}

/** a pathname percent-decoded; undefined when it is not valid UTF-8 percent-encoding or hides a NUL */
export function decodePathname(pathname: string): string | undefined {
  try {
    const decoded = decodeURIComponent(pathname)
    return decoded.includes('\0') ? undefined : decoded
  } catch {
    return undefined
  }
}
