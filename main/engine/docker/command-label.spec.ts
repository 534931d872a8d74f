import { describe, expect, it } from 'vitest'
import { commandLabel } from './command-label'

describe('commandLabel', () => {
  it('keeps short one-line arguments as they are', () => {
    expect(commandLabel(['swaks', '--server', '127.0.0.1', '--timeout', '10'])).toBe('swaks --server 127.0.0.1 --timeout 10')
  })

  it('cuts a multi-line argument to its first line and says how long it was', () => {
    const body = 'From: <probe@fastmail.test>\nTo: <alice@fastmail.test>\n\nX5O!P%@AP\n'
    const label = commandLabel(['swaks', '--data', body])
    expect(label).toBe(`swaks --data From: <probe@fastmail.test>… (${body.length} chars)`)
    expect(label).not.toContain('\n')
  })

  it('cuts a long single-line argument', () => {
    expect(commandLabel(['echo', 'x'.repeat(100)])).toBe(`echo ${'x'.repeat(40)}… (100 chars)`)
  })
})
