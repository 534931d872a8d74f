// Docker object names and labels for a lab. Every object we create carries racklab.lab=<labId>.
import { dockerName } from '../topology/queries'
import { LABEL_LAB, LABEL_NETWORK, LABEL_ROLE, LABEL_SERVER, LABEL_VOLUME } from '../docker/types'

export const containerName = (labId: string, server: string): string => dockerName(labId, 'container', server)
export const networkName = (labId: string, net: string): string => dockerName(labId, 'network', net)
export const volumeName = (labId: string, server: string, purpose: string): string => dockerName(labId, 'volume', `${server}-${purpose}`)

export const labLabels = (labId: string): Record<string, string> => ({ [LABEL_LAB]: labId })
export const serverLabels = (labId: string, server: string, role: string): Record<string, string> => ({
  [LABEL_LAB]: labId,
  [LABEL_SERVER]: server,
  [LABEL_ROLE]: role,
})
export const networkLabels = (labId: string, net: string): Record<string, string> => ({ [LABEL_LAB]: labId, [LABEL_NETWORK]: net })
export const volumeLabels = (labId: string, server: string, purpose: string): Record<string, string> => ({
  [LABEL_LAB]: labId,
  [LABEL_SERVER]: server,
  [LABEL_VOLUME]: purpose,
})
