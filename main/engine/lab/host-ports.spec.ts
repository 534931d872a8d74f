import { describe, expect, it } from 'vitest'
import { parseListening } from './host-ports'

// the shape of /proc/net/tcp: a header, then sl local rem st …; 0A is LISTEN, 01 ESTABLISHED
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:7530 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 100 0 0 10 0
   2: 0100007F:7531 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 20 4 30 10 -1
`
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:7532 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0
`

describe('parseListening', () => {
  it('gives the ports of listening sockets only (IPv4 and IPv6), not established ones', () => {
    expect(parseListening(TCP)).toEqual([30000, 22])
    expect(parseListening(TCP6)).toEqual([30002])
  })
  it('ignores a header alone and malformed lines', () => {
    expect(parseListening('  sl  local_address\n garbage\n')).toEqual([])
  })
})
