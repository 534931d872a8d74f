// The lab's subnets as the images want them (LAB_NETS): MariaDB grants its service accounts to them and
// Postfix trusts them (mynetworks). From the relocated topology, so a moved lab grants its real addresses.
import type { Topology } from '@contract/topology'

export const labNets = (t: Topology): string => t.networks.map((n) => n.subnet).join(',')
