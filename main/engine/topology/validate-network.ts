// Network checks: subnets usable by Docker (valid, not overlapping), every NIC on a known network with
// an address inside its subnet that nobody else uses, and every cable on a real, free port of a switch
// in the same site that carries the NIC's network.
import type { Network, Topology } from '@contract/topology'
import { formatIp, inSubnet, parseIp, parseSubnet, type Subnet } from './ipv4.ts'
import type { ProblemList } from './problems.ts'
import { article, type TopologyIndex } from './topology-index.ts'

function checkSubnets(t: Topology, list: ProblemList): Map<string, Subnet> {
  const subnets = new Map<string, Subnet>()
  const placed: { net: Network; s: Subnet }[] = []
  t.networks.forEach((net, i) => {
    const s = parseSubnet(net.subnet)
    if (typeof s === 'string') {
      list.add(['networks', i, 'subnet'], s)
      return
    }
    // Docker refuses two bridges whose pools overlap ("Pool overlaps with other one")
    const clash = placed.find((p) => s.base < p.s.base + p.s.size && p.s.base < s.base + s.size)
    if (clash) list.add(['networks', i, 'subnet'], `${net.subnet} overlaps network ${clash.net.id} (${clash.net.subnet})`)
    placed.push({ net, s })
    subnets.set(net.id, s)
  })
  return subnets
}

export function checkNetworks(t: Topology, index: TopologyIndex, list: ProblemList): void {
  const subnets = checkSubnets(t, list)
  const netIds = t.networks.map((n) => n.id)
  const ipOwner = new Map<string, string>() // "net/ip" → server id
  const portOwner = new Map<string, string>() // "switch/port" → server id

  for (const { item: u, path, site } of index.units) {
    if (u.kind !== 'server') continue
    const joined = new Set<string>()
    u.nics.forEach((nic, ni) => {
      const np = [...path, 'nics', ni]
      if (!netIds.includes(nic.network)) {
        list.add([...np, 'network'], `unknown network "${nic.network}" (networks: ${netIds.join(', ')})`)
      } else if (joined.has(nic.network)) {
        list.add([...np, 'network'], `${u.id} already has a NIC on ${nic.network}; a container attaches to a network once`)
      }
      joined.add(nic.network)

      const subnet = subnets.get(nic.network)
      const ip = parseIp(nic.ip)
      if (ip === undefined) list.add([...np, 'ip'], `"${nic.ip}" is not an IPv4 address (each part 0-255)`)
      else if (subnet) {
        const net = t.networks.find((n) => n.id === nic.network)
        if (!inSubnet(ip, subnet)) list.add([...np, 'ip'], `${nic.ip} is outside network ${nic.network} (${net?.subnet})`)
        else if (ip === subnet.base) list.add([...np, 'ip'], `${nic.ip} is the network address of ${net?.subnet}; use a host address`)
        else if (ip === subnet.base + subnet.size - 1) list.add([...np, 'ip'], `${nic.ip} is the broadcast address of ${net?.subnet}`)
        else if (ip === subnet.base + 1) {
          list.add([...np, 'ip'], `${nic.ip} is kept by Docker for the gateway of ${net?.subnet}; start at ${formatIp(subnet.base + 2)}`)
        } else {
          const key = `${nic.network}/${ip}`
          const other = ipOwner.get(key)
          if (other) list.add([...np, 'ip'], `${nic.ip} is already used on ${nic.network} by ${other}`)
          else ipOwner.set(key, u.id)
        }
      }

      if (nic.switch === undefined && nic.port === undefined) return
      if (nic.switch === undefined) return list.add([...np, 'port'], 'a port needs a switch: add `switch:` or remove `port:`')
      if (nic.port === undefined) return list.add([...np, 'switch'], 'a cable needs both ends: add the switch `port:`')
      const sw = index.unitById.get(nic.switch)
      if (!sw) return list.add([...np, 'switch'], `unknown switch "${nic.switch}"`)
      if (sw.item.kind !== 'switch') return list.add([...np, 'switch'], `"${nic.switch}" is ${article(sw.item.kind)} ${sw.item.kind}, not a switch`)
      if (sw.site !== site) return list.add([...np, 'switch'], `switch ${nic.switch} is in site ${sw.site.id}, but ${u.id} is in site ${site.id}`)
      if (sw.item.network !== nic.network && netIds.includes(nic.network)) {
        list.add([...np, 'switch'], `switch ${nic.switch} carries network ${sw.item.network}, but this NIC is on ${nic.network}`)
      }
      if (nic.port > sw.item.ports) return list.add([...np, 'port'], `switch ${nic.switch} has ports 1-${sw.item.ports}, not ${nic.port}`)
      const key = `${nic.switch}/${nic.port}`
      const other = portOwner.get(key)
      if (other) list.add([...np, 'port'], `port ${nic.port} of ${nic.switch} is already cabled to ${other}`)
      else portOwner.set(key, u.id)
    })
  }

  // switches carry a network that must exist
  for (const { item: u, path } of index.units) {
    if (u.kind === 'switch' && !netIds.includes(u.network)) list.add([...path, 'network'], `unknown network "${u.network}" (networks: ${netIds.join(', ')})`)
  }
}
