// Errors cross every transport as data, never as thrown objects: { code, message, detail? }.
import { z } from 'zod'

export { ErrorCodes, LabError, type ErrorCode } from './lab-error'
import { ErrorCodes, LabError } from './lab-error'

export const WireErrorSchema = z.object({
  code: z.enum(ErrorCodes),
  message: z.string(),
  detail: z.unknown().optional(),
})
export type WireError = z.infer<typeof WireErrorSchema>

export function toWireError(e: unknown): WireError {
  if (e instanceof LabError) return e.detail === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, detail: e.detail }
  if (e instanceof z.ZodError) {
    // a record key's own rule sits one level down (zod reports "Invalid key in record" on top)
    const why = (i: z.core.$ZodIssue): string => (i.code === 'invalid_key' ? i.issues.map((n) => n.message).join(', ') : i.message)
    const issues = e.issues.map((i) => `${i.path.join('.') || '(argument)'}: ${why(i)}`)
    return { code: 'BAD_INPUT', message: `invalid argument — ${issues.join('; ')}`, detail: e.issues }
  }
  const msg = e instanceof Error ? e.message : String(e)
  return { code: 'INTERNAL', message: msg }
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: WireError }
