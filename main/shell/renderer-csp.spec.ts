// The renderer's Content-Security-Policy (renderer/index.html, the same page in the window and in browser
// mode) lets it connect to its own origin only: the engine that served it (`racklab serve`, whose WebSocket
// is same-origin) or, in the window, nothing at all — IPC needs no connection. CSP 3 'self' covers ws: and
// wss: on the same host and port (checked in Debian's chromium 156: same-origin ws opens, another host is blocked).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const html = readFileSync(fileURLToPath(new URL('../../renderer/index.html', import.meta.url)), 'utf8')

function policy(): Map<string, string[]> {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)]
  expect(metas, 'exactly one CSP meta tag').toHaveLength(1)
  const directives = metas[0]![1]!.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0])
  return new Map(directives.map(([name, ...sources]) => [name!, sources]))
}

describe('renderer Content-Security-Policy', () => {
  it("connects to its own origin only: connect-src 'self', no scheme-wide ws:/wss:/http(s): sources", () => {
    const csp = policy()
    expect(csp.get('connect-src')).toEqual(["'self'"])
    expect(csp.get('default-src')).toEqual(["'self'"])
    // data: images (the inline favicon) are the one scheme-wide source, and they cannot connect anywhere
    for (const [name, sources] of csp) for (const s of sources) if (s !== 'data:') expect(s, `${name} ${s}`).not.toMatch(/^(\*|[a-z][a-z0-9+.-]*:)$/)
  })

  it('allows no plugins and no <base> rewriting', () => {
    expect(policy().get('object-src')).toEqual(["'none'"])
    expect(policy().get('base-uri')).toEqual(["'none'"])
  })
})
