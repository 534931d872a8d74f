import { describe, expect, it } from 'vitest'
import { parseDetect, unavailable } from './mechanisms'

const HERE = `iptables ok iptables-legacy
statistic ok
redirect ok
filter ok
tbf ok
police no Error: TC classifier not found.
netem no Error: Specified qdisc kind is unknown.
ss-kill ok
`

describe('network-fault mechanisms', () => {
  it('reads what the detection found, with the iptables binary and the kernel’s reasons', () => {
    const m = parseDetect(HERE)
    expect(m.iptables).toBe('iptables-legacy')
    expect([...m.ok].sort()).toEqual(['filter', 'iptables', 'redirect', 'ss-kill', 'statistic', 'tbf'])
    expect(unavailable(m, ['iptables', 'statistic'])).toBeUndefined()
    expect(unavailable(m, ['netem'])).toBe('this Docker host does not support netem: Error: Specified qdisc kind is unknown.')
  })

  it('treats a mechanism the detection never mentioned as missing', () => {
    const m = parseDetect('iptables no Permission denied (you must be root)\n')
    expect(unavailable(m, ['iptables', 'statistic'])).toMatch(/iptables in the server’s network namespace: Permission denied/)
    expect(unavailable(m, ['tbf'])).toMatch(/tbf .*: the detection did not report it/)
  })
})
