import { describe, expect, it } from 'vitest'
import { appUrlMatcher } from './app-url'

describe('appUrlMatcher', () => {
  it('packaged: accepts only the exact renderer/index.html, with or without a fragment', () => {
    const isApp = appUrlMatcher({ indexUrl: 'file:///opt/Racklab/resources/app.asar/out/renderer/index.html' })
    expect(isApp('file:///opt/Racklab/resources/app.asar/out/renderer/index.html')).toBe(true)
    expect(isApp('file:///opt/Racklab/resources/app.asar/out/renderer/index.html#/servers')).toBe(true)
    // any other local file: a downloaded page must not drive the lab
    expect(isApp('file:///home/me/Downloads/evil.html')).toBe(false)
    expect(isApp('file:///opt/Racklab/resources/app.asar/out/renderer/index.html?x=1')).toBe(false)
    expect(isApp('file:///opt/Racklab/resources/app.asar/out/renderer/../renderer/other.html')).toBe(false)
    expect(isApp('https://evil.example/')).toBe(false)
    expect(isApp('not a url')).toBe(false)
  })

  it('development: accepts the dev server by origin, not by prefix', () => {
    const isApp = appUrlMatcher({ devUrl: 'http://localhost:5173', indexUrl: 'file:///x/index.html' })
    expect(isApp('http://localhost:5173/')).toBe(true)
    expect(isApp('http://localhost:5173/src/main.ts')).toBe(true)
    expect(isApp('http://localhost:5173.evil.example/')).toBe(false)
    expect(isApp('http://localhost:5174/')).toBe(false)
    expect(isApp('file:///x/index.html')).toBe(false)
  })

  it('says what is wrong with a configuration it cannot use', () => {
    expect(() => appUrlMatcher({ devUrl: 'nonsense', indexUrl: 'file:///x/index.html' })).toThrow('ELECTRON_RENDERER_URL is not an http(s) URL: "nonsense"')
    expect(() => appUrlMatcher({ indexUrl: '/x/index.html' })).toThrow('the packaged renderer is not a file:// URL')
  })
})
