// The topology document: what a lab is made of. The YAML file, the engine and the UI all share this shape.
import { z } from 'zod'

const id = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and "-", starting with a letter')
const ipv4 = z.string().regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, 'an IPv4 address like 10.231.0.11')
const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'a subnet like 10.231.0.0/24')

export const Roles = ['db', 'imap', 'mx', 'web', 'fe', 'dns', 'file', 'backup', 'edge'] as const
export type Role = (typeof Roles)[number]

export const CircuitSchema = z.strictObject({
  id,
  side: z.enum(['A', 'B']),
  volts: z.number().positive(),
  amps: z.number().positive(),
})

export const PduSchema = z.strictObject({ id, circuit: id, outlets: z.number().int().positive().default(24) })

/** A network interface of a server, cabled to a switch port, attached to one lab network. */
export const NicSchema = z.strictObject({
  network: id,
  ip: ipv4,
  switch: id.optional(),
  port: z.number().int().positive().optional(),
})

export const ArraySchema = z.strictObject({
  id,
  level: z.enum(['raid1', 'raid5', 'raid6', 'raid10']),
  /** bay numbers (1-based) of the member disks */
  members: z.array(z.number().int().positive()).min(2),
  /** bay numbers of hot spares */
  spares: z.array(z.number().int().positive()).default([]),
})

/** A server's own disks as a ZFS pool (the X4500): raidz2 vdevs over its bays, the OS on a boot mirror. */
export const PoolSchema = z.strictObject({
  diskModel: id,
  /** the two bays of the mirrored OS disks: not part of the pool, so losing the pool leaves the OS up */
  boot: z.array(z.number().int().positive()).default([]),
  vdevs: z
    .array(z.strictObject({ id, level: z.enum(['raidz2']), members: z.array(z.number().int().positive()).min(4) }))
    .min(1),
  /** bays of hot spares shared by every vdev */
  spares: z.array(z.number().int().positive()).default([]),
})

const unitBase = {
  id,
  model: id,
  /** lowest rack unit the unit occupies (1 = bottom) */
  u: z.number().int().positive(),
  /** PDU ids feeding the unit's PSUs, in PSU order */
  power: z.array(id).default([]),
  label: z.string().optional(),
}

export const ServerUnitSchema = z.strictObject({
  ...unitBase,
  kind: z.literal('server'),
  role: z.enum(Roles),
  nics: z.array(NicSchema).min(1),
  /** db and imap: the server this one replicates from */
  replicaOf: id.optional(),
  /** servers that must be healthy before this one starts */
  dependsOn: z.array(id).default([]),
  /** internal disks as a ZFS pool that holds the server's data volume */
  pool: PoolSchema.optional(),
})

export const EnclosureUnitSchema = z.strictObject({
  ...unitBase,
  kind: z.literal('enclosure'),
  /** the server whose data volume this enclosure's array backs */
  attachedTo: id,
  diskModel: id,
  bays: z.number().int().positive(),
  arrays: z.array(ArraySchema).min(1),
})

export const SwitchUnitSchema = z.strictObject({
  ...unitBase,
  kind: z.literal('switch'),
  /** the lab network this switch carries */
  network: id,
  ports: z.number().int().positive(),
})

export const ShelfUnitSchema = z.strictObject({
  ...unitBase,
  kind: z.literal('shelf'),
  /** spare parts kept on the shelf: catalogue model id → count */
  spares: z.record(id, z.number().int().nonnegative()).default({}),
})

export const UnitSchema = z.discriminatedUnion('kind', [ServerUnitSchema, EnclosureUnitSchema, SwitchUnitSchema, ShelfUnitSchema])

export const RackSchema = z.strictObject({
  id,
  label: z.string().optional(),
  height: z.number().int().positive().default(42),
  circuits: z.array(CircuitSchema).default([]),
  pdus: z.array(PduSchema).default([]),
  units: z.array(UnitSchema).default([]),
})

export const SiteSchema = z.strictObject({ id, name: z.string(), racks: z.array(RackSchema).min(1) })

export const NetworkSchema = z.strictObject({
  id,
  subnet: cidr,
  /** back-end networks have no route out of the lab */
  internal: z.boolean().default(true),
  label: z.string().optional(),
})

export const UserSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9._-]*$/, 'a lowercase login name'),
  password: z.string().min(4),
  fullName: z.string().optional(),
  /** the mail store (imap server) holding the user's mailbox */
  store: id.optional(),
})

export const TopologySchema = z.strictObject({
  name: id,
  description: z.string().optional(),
  domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]+$/, 'a DNS domain like example.test'),
  seed: z.number().int().default(1),
  clock: z.strictObject({ speed: z.number().positive().default(1) }).default({ speed: 1 }),
  /** file storage: every blob is kept on `copies` file nodes (different racks when it can); each node's disk holds
   *  `capacityMB`. `ftpPassiveBase`: the first host port of the passive FTP ranges; when unset, each lab gets a free block of
   *  30000–39999 of its own (lab/ftp-ports.ts), so labs side by side never collide. `ftpPassivePorts`: each node's
   *  range, i.e. how many PASV/EPSV may wait for their data connection on one node at once (a port is held from the
   *  PASV until the transfer's connection is accepted, milliseconds for a client that follows PASV with RETR). Each
   *  is published by the edge, and dockerd tears every published port down one by one at `down`: 4 keeps it quick. */
  files: z
    .strictObject({
      copies: z.number().int().min(1).max(9).default(2),
      capacityMB: z.number().int().positive().default(2048),
      ftpPassiveBase: z.number().int().min(1024).max(65_000).optional(),
      ftpPassivePorts: z.number().int().min(1).max(30).default(4),
    })
    .default({ copies: 2, capacityMB: 2048, ftpPassivePorts: 4 }),
  /** backup1's nightly backups: how many nights are kept */
  backup: z.strictObject({ retentionNights: z.number().int().min(1).max(365).default(7) }).default({ retentionNights: 7 }),
  sites: z.array(SiteSchema).min(1),
  networks: z.array(NetworkSchema).min(1),
  users: z.array(UserSchema).default([]),
})

export type Topology = z.infer<typeof TopologySchema>
export type Site = Topology['sites'][number]
export type Rack = Site['racks'][number]
export type Unit = z.infer<typeof UnitSchema>
export type ServerUnit = z.infer<typeof ServerUnitSchema>
export type PoolSpec = z.infer<typeof PoolSchema>
export type EnclosureUnit = z.infer<typeof EnclosureUnitSchema>
export type SwitchUnit = z.infer<typeof SwitchUnitSchema>
export type ShelfUnit = z.infer<typeof ShelfUnitSchema>
export type Nic = z.infer<typeof NicSchema>
export type Network = z.infer<typeof NetworkSchema>
export type LabUser = z.infer<typeof UserSchema>
