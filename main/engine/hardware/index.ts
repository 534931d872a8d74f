// The hardware model's public face: the model, its clock, the catalogue, and the plain-data shapes it publishes.
export { HardwareModel, type ActionRequest, type ActionResult, type ModelOptions } from './model.ts'
export { ManualClock, ScaledClock, type LabClock } from './clock.ts'
export { defaultCatalogPath, heightOf, loadCatalog, parseCatalog } from './catalog.ts'
export type { Catalog, CatalogModel, DiskModel, EnclosureModel, PoweredModel, ServerModel, SwitchModel } from './catalog-schema.ts'
export { computeEffects, diffEffects, type DataVolumeState, type EffectChange, type Effects, type ServerEffects } from './effects.ts'
export { HardwareEventKinds, type HardwareEvent, type HardwareEventKind } from './events.ts'
export type { HardwareStatus, CircuitStatus, PduStatus, UnitStatus, PsuStatus, EnclosureStatus, ArrayStatus, BayStatus, SwitchStatus, CableStatus } from './status.ts'
export { tripTimeMs } from './trip-curve.ts'
