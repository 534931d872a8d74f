import { describe, expect, it } from 'vitest'
import { aptSourceFileOrder, parseDeb822Sources, parseOneLineSources, parseSourcesFile, pickMirror } from './apt-sources'

const DEB822 = `Types: deb
# http://snapshot.example.org/archive/debian/20250520T000000Z
URIs: http://mirror.example.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example.org/debian-security
Suites: bookworm-security
Components: main
`

describe('apt sources', () => {
  it('reads URIs and suites from deb822 stanzas', () => {
    const s = parseDeb822Sources(DEB822)
    expect(s).toHaveLength(2)
    expect(s[0]).toEqual({ types: ['deb'], uris: ['http://mirror.example.org/debian'], suites: ['bookworm', 'bookworm-updates'], enabled: true })
    expect(pickMirror(s, 'bookworm')).toBe('http://mirror.example.org/debian')
  })

  it('skips disabled stanzas, deb-src and non-http URIs, and handles multi-line fields', () => {
    const text = `Types: deb
URIs: http://off.example.org/debian
Suites: bookworm
Enabled: no

Types: deb-src
URIs: http://src.example.org/debian
Suites: bookworm

Types: deb
URIs: file:/srv/local cdrom:/x https://on.example.org/debian/
Suites: bookworm
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 abc
`
    expect(pickMirror(parseDeb822Sources(text), 'bookworm')).toBe('https://on.example.org/debian')
  })

  it('reads the one-line format, with bracketed options and comments', () => {
    const text = `# comment
deb-src http://src.example.org/debian bookworm main
deb [arch=amd64 signed-by=/k.gpg] http://one.example.org/debian bookworm main contrib # trailing
deb http://two.example.org/debian bookworm main
`
    const s = parseOneLineSources(text)
    expect(s.map((x) => x.uris[0])).toEqual(['http://src.example.org/debian', 'http://one.example.org/debian', 'http://two.example.org/debian'])
    expect(pickMirror(s, 'bookworm')).toBe('http://one.example.org/debian')
  })

  it('wants the exact suite: bookworm-security alone is no base mirror', () => {
    const s = parseOneLineSources('deb http://sec.example.org/debian-security bookworm-security main\n')
    expect(pickMirror(s, 'bookworm')).toBeUndefined()
  })

  it('chooses the parser by file name and keeps apt file order', () => {
    expect(parseSourcesFile('debian.sources', DEB822)).toHaveLength(2)
    expect(parseSourcesFile('x.list', 'deb http://a.example.org/debian bookworm main')).toHaveLength(1)
    expect(aptSourceFileOrder(['z.list', 'google.list.disabled-by-farm', 'a.sources', 'README'])).toEqual(['a.sources', 'z.list'])
  })
})
