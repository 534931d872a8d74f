// The address a NIC really has. The topology file gives the planned one; a lab whose subnets were taken on its
// engine is relocated (same host part, other subnet), and the engine reports the real addresses in each server's
// status. The file's address stands only where the engine reports none for that network.
import type { ServerStatus } from '@contract/status'

export function nicAddress(nic: { network: string; ip: string }, status: Pick<ServerStatus, 'ips'> | undefined): string {
  return status?.ips[nic.network] ?? nic.ip
}
