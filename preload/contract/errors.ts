// Errors cross every transport as data, never as thrown objects: { code, message, detail? }.
import { z } from 'zod'

export const ErrorCodes = [
  'BAD_INPUT', // the call's argument failed validation
  'UNKNOWN_COMMAND',
  'NOT_FOUND', // a server, target or operation that does not exist
  'REFUSED', // an action that is impossible right now (the message says why)
  'BUSY', // another operation holds the lab
  'TOPOLOGY_INVALID',
  'SCENARIO_INVALID', // a scenario file that can't run as written (file:line:column of each problem)
  'ENGINE_ABSENT', // no Docker engine answers
  'ENGINE_DENIED', // the socket exists but we may not use it
  'ENGINE_STOPPED', // the socket exists, the daemon does not answer
  'ENGINE_TOO_OLD',
  'ENGINE_ERROR',
  'BUILD_FAILED',
  'BASE_IMAGE_FAILED',
  'UNHEALTHY',
  'CANCELLED',
  'INTERNAL',
] as const
export type ErrorCode = (typeof ErrorCodes)[number]

export const WireErrorSchema = z.object({
  code: z.enum(ErrorCodes),
  message: z.string(),
  detail: z.unknown().optional(),
})
export type WireError = z.infer<typeof WireErrorSchema>

/** An error the engine throws on purpose; its code and message reach the user unchanged. */
export class LabError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message)
    this.name = 'LabError'
  }
}

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
