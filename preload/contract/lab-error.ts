// The error codes and the error the engine throws on purpose, without zod: the CLI's fast paths import this alone.
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
  'FORBIDDEN', // a workshop token whose scope does not cover this (an observer acting, a student in another lab)
  'INTERNAL',
] as const
export type ErrorCode = (typeof ErrorCodes)[number]

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


/** the error code for a Docker engine in this state (anything but connected) */
export function engineErrorCode(state: string): 'ENGINE_ABSENT' | 'ENGINE_DENIED' | 'ENGINE_STOPPED' | 'ENGINE_TOO_OLD' | 'ENGINE_ERROR' {
  switch (state) {
    case 'absent':
      return 'ENGINE_ABSENT'
    case 'denied':
      return 'ENGINE_DENIED'
    case 'stopped':
      return 'ENGINE_STOPPED'
    case 'too-old':
      return 'ENGINE_TOO_OLD'
    default:
      return 'ENGINE_ERROR'
  }
}
