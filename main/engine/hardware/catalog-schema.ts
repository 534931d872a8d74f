// Shape of the hardware catalogue (resources/hardware/catalog.yaml): one entry per hardware model, plus the
// simulation parameters of power and storage. Every value group carries `source`: S<n> cites the fact sheet,
// E marks an estimate (a tunable default, not a FastMail fact), I an inference.
import { z } from 'zod'

const id = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and "-", starting with a letter')
/** "E", "I", "S28", "S30,S31" */
const source = z.string().regex(/^(E|I|S\d+[a-z]?)(, ?(E|I|S\d+[a-z]?))*$/, 'E, I or S<n> citations, comma separated, like "S30,S31"')
const watts = z.number().nonnegative()
const seconds = z.number().nonnegative()
const range = z.tuple([z.number().positive(), z.number().positive()]).refine(([lo, hi]) => lo <= hi, 'a [low, high] pair with low ≤ high')

export const RaidLevels = ['raid0', 'raid1', 'raid3', 'raid5', 'raid6', 'raid10', 'raidz', 'raidz2', 'jbod'] as const

const size = z.strictObject({ u: z.number().int().nonnegative(), source })

const psu = z.strictObject({
  /** PSU bays in the chassis */
  slots: z.number().int().nonnegative(),
  /** PSUs fitted as standard; the rest are the optional redundant ones */
  standard: z.number().int().nonnegative(),
  watts: watts,
  /** catalogue id of the replacement part kept on spares shelves, if any */
  part: id.optional(),
  source,
})

const power = z.strictObject({
  idle: watts,
  load: watts,
  /** draw while booting, for the first bootSurgeSeconds */
  bootSurge: watts,
  bootSurgeSeconds: seconds,
  /** power-on to ready */
  bootSeconds: seconds,
  /** comes back by itself when power returns (switches, RAID units); servers stay off until someone presses the button */
  autoOn: z.boolean(),
  source,
})

const storage = z.strictObject({
  bays: z.number().int().nonnegative(),
  raidLevels: z.array(z.enum(RaidLevels)),
  /** software RAID (ZFS) over the server's own bays: resilver rate with the server idle and loaded, seeded per server */
  resilverMBps: z.strictObject({ idle: range, load: range }).optional(),
  source,
})
const network = z.strictObject({ ports: z.number().int().nonnegative(), source })

const controller = z.strictObject({
  /** rebuild rate with the attached server idle, and under production load: seeded per enclosure within the range */
  rebuildMBps: z.strictObject({ idle: range, load: range }),
  /** battery learn cycle: the cache runs write-through meanwhile */
  batteryLearnHours: z.number().positive(),
  source,
})

const base = { id, name: z.string().min(1), size }

export const ServerModelSchema = z.strictObject({ ...base, kind: z.literal('server'), psu, power, storage, network })
export const EnclosureModelSchema = z.strictObject({ ...base, kind: z.literal('enclosure'), psu, power, storage, controller })
export const SwitchModelSchema = z.strictObject({ ...base, kind: z.literal('switch'), psu, power, network })
export const ShelfModelSchema = z.strictObject({ ...base, kind: z.literal('shelf') })
export const DiskModelSchema = z.strictObject({
  id,
  name: z.string().min(1),
  kind: z.literal('disk'),
  capacityGB: z.number().positive(),
  power: z.strictObject({ idle: watts, load: watts, spinup: watts, source }),
  /** sustained transfer rate: caps the rebuild rate */
  transfer: z.strictObject({ MBps: z.number().positive(), source }),
})
export const PsuModelSchema = z.strictObject({ id, name: z.string().min(1), kind: z.literal('psu'), watts, source })

export const ModelSchema = z.discriminatedUnion('kind', [
  ServerModelSchema,
  EnclosureModelSchema,
  SwitchModelSchema,
  ShelfModelSchema,
  DiskModelSchema,
  PsuModelSchema,
])

export const PowerParamsSchema = z.strictObject({
  /** a circuit shows "warning" at this share of its rating (NEC continuous-load rule) */
  warnPercent: z.number().positive().max(100),
  /** inverse-time breaker: seconds to trip = k / (ratio² − 1); instant at instantRatio × rating */
  trip: z.strictObject({ k: z.number().positive(), instantRatio: z.number().gt(1), coolSeconds: z.number().positive() }),
  /** each live PSU's share of its unit's load deviates from an equal split by up to this fraction */
  psuShareJitter: z.number().nonnegative().max(0.5),
  /** gap between servers in a staggered power-on */
  staggerSeconds: seconds,
  source,
})

export const SlowdownSchema = z.strictObject({
  rebuilding: z.number().positive().max(1),
  writeThrough: z.number().positive().max(1),
  degraded: z.number().positive().max(1),
  source,
})

export const CatalogSchema = z.strictObject({
  version: z.literal(1),
  power: PowerParamsSchema,
  slowdown: SlowdownSchema,
  models: z.array(ModelSchema).min(1),
})

export type CatalogDoc = z.infer<typeof CatalogSchema>
export type CatalogModel = z.infer<typeof ModelSchema>
export type ServerModel = z.infer<typeof ServerModelSchema>
export type EnclosureModel = z.infer<typeof EnclosureModelSchema>
export type SwitchModel = z.infer<typeof SwitchModelSchema>
export type ShelfModel = z.infer<typeof ShelfModelSchema>
export type DiskModel = z.infer<typeof DiskModelSchema>
export type PsuModel = z.infer<typeof PsuModelSchema>
export type PoweredModel = ServerModel | EnclosureModel | SwitchModel
export type PowerParams = z.infer<typeof PowerParamsSchema>
export type SlowdownParams = z.infer<typeof SlowdownSchema>
export type RaidLevel = (typeof RaidLevels)[number]

/** The validated catalogue, models indexed by id. */
export interface Catalog {
  power: PowerParams
  slowdown: SlowdownParams
  models: Readonly<Record<string, CatalogModel>>
}
