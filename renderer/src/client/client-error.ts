// The renderer's one error type: every failed call rejects with a ClientError carrying the engine's code and
// message unchanged, so the UI can show "BUSY: lab.up is already running" instead of "[object Object]".
import type { ErrorCode, WireError } from '@contract/errors'

/** DISCONNECTED is renderer-side: the transport dropped before a reply arrived (or was never open). */
export type ClientErrorCode = ErrorCode | 'DISCONNECTED'

export class ClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message)
    this.name = 'ClientError'
  }

  static fromWire(e: WireError): ClientError {
    return new ClientError(e.code, e.message, e.detail)
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null
}

/** Accepts a value from the other side of a transport only if it has the WireError shape. */
export function asWireError(v: unknown): WireError | null {
  if (!isRecord(v) || typeof v.code !== 'string' || typeof v.message !== 'string') return null
  // the code list lives in errors.ts next to zod; importing it at runtime would pull zod into the bundle
  return { code: v.code as ErrorCode, message: v.message, ...(v.detail === undefined ? {} : { detail: v.detail }) }
}

/** Turns anything a call can reject with into a ClientError (used by the transports and by the stores). */
export function toClientError(e: unknown): ClientError {
  if (e instanceof ClientError) return e
  const wire = asWireError(e)
  if (wire) return ClientError.fromWire(wire)
  if (e instanceof Error) return new ClientError('INTERNAL', e.message)
  return new ClientError('INTERNAL', String(e))
}

/** "CODE: message" for people; the code is kept because it is what the docs and the CLI print. */
export function describeError(e: unknown): string {
  const c = toClientError(e)
  return `${c.code}: ${c.message}`
}
