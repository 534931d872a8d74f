// How the CLI speaks: --json prints exactly one JSON document on stdout; people get text.
import type { WireError } from '@contract/errors'

export const EXIT_OK = 0
export const EXIT_FAIL = 1
export const EXIT_CANNOT_RUN = 2

/** codes that mean "could not run at all" (exit 2) rather than "ran and found a problem" (exit 1) */
const cannotRun = new Set(['ENGINE_ABSENT', 'ENGINE_DENIED', 'ENGINE_STOPPED', 'ENGINE_TOO_OLD', 'ENGINE_ERROR', 'TOPOLOGY_INVALID', 'SCENARIO_INVALID', 'BAD_INPUT', 'UNKNOWN_COMMAND', 'NOT_FOUND', 'BASE_IMAGE_FAILED'])

export function exitCodeFor(e: { code: string }): number {
  return cannotRun.has(e.code) ? EXIT_CANNOT_RUN : EXIT_FAIL
}

export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n')
}

export function say(text: string): void {
  process.stderr.write(text + '\n')
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n')
}

export function errorText(e: WireError): string {
  return `racklab: ${e.message} [${e.code}]`
}
