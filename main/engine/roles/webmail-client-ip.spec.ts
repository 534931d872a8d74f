// The webmail's client address (lab-images/web/lib/Racklab/Webmail/ClientIp.pm), run by the host's perl: the
// module needs no Apache. A sender could put any address first in X-Forwarded-For; only the frontend's last one counts.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const lib = fileURLToPath(new URL('../../../lab-images/web/lib', import.meta.url))

/** client_ip_from(xff, peer) under taint mode, as mod_perl runs it (-T); undef prints as "(undef)" */
function clientIp(xff: string | undefined, peer: string): string {
  const script = 'use Racklab::Webmail::ClientIp qw(client_ip_from); my ($x, $p) = @ARGV; print client_ip_from($x eq "(none)" ? undef : $x, $p) // "(undef)"'
  const r = spawnSync('perl', ['-T', `-I${lib}`, '-e', script, xff ?? '(none)', peer], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`perl failed: ${r.stderr}`)
  return r.stdout
}

describe('webmail client address', () => {
  it('is the last X-Forwarded-For entry, the one the frontend appended', () => {
    expect(clientIp('203.0.113.9', '10.231.0.21')).toBe('203.0.113.9')
    expect(clientIp('10.99.0.1, 203.0.113.9', '10.231.0.21')).toBe('203.0.113.9')
    expect(clientIp(' 1.2.3.4 ,5.6.7.8 , 203.0.113.9 ', '10.231.0.21')).toBe('203.0.113.9')
  })

  it('ignores an address the sender wrote first (was: the first entry, so a login could claim any address)', () => {
    expect(clientIp('6.6.6.6, 198.51.100.7', '10.231.0.21')).toBe('198.51.100.7')
  })

  it('is the connection peer without the header, or when the last entry is not an address', () => {
    expect(clientIp(undefined, '10.231.0.21')).toBe('10.231.0.21')
    expect(clientIp('', '10.231.0.21')).toBe('10.231.0.21')
    expect(clientIp('6.6.6.6, unknown', '10.231.0.21')).toBe('10.231.0.21')
    expect(clientIp('6.6.6.6, 1.2.3.4; rm -rf', '10.231.0.21')).toBe('10.231.0.21')
  })
})
