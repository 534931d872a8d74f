// The fault scripts are text run by the sidecar as root (scripts.ts); the netfault integration test runs them for
// real. Here: which built-in chains a fault's chain is reached from.
import { describe, expect, it } from 'vitest'
import { addLatency, addLoss, addPartition, removeLoss } from './scripts'

const link = { network: 'int', ip: '10.231.0.21', index: 0 }

describe('netfault scripts', () => {
  it('loss and partitions hook INPUT, OUTPUT and FORWARD both ways: a frontend forwards passive FTP in its kernel', () => {
    for (const script of [addLoss('iptables', link, 10), addPartition('iptables', link, ['10.231.0.61'])]) {
      const chain = /-N (RL-\S+)/.exec(script)![1]!
      for (const jump of ['INPUT 1 -i "$IF"', 'OUTPUT 1 -o "$IF"', 'FORWARD 1 -i "$IF"', 'FORWARD 1 -o "$IF"']) expect(script).toContain(`iptables -w -I ${jump} -j ${chain}`)
    }
  })

  it('a delay redirects only the connections the server opens (nat OUTPUT), never forwarded ones', () => {
    const s = addLatency('iptables', link, 100, 0)
    expect(s).toContain('-t nat -I OUTPUT 1 -o "$IF" -p tcp -j RL-LAT-int')
    expect(s).not.toMatch(/PREROUTING|FORWARD/)
  })

  it('removing a fault deletes every jump to its chain, wherever it was added from', () => {
    expect(removeLoss('iptables', link)).toContain("grep -- '-j RL-LOSS-int$' | sed 's/^-A /-D /'")
  })
})
