// How states read on screen: labels and colour tones for badges, and which server buttons make sense.
// Kept out of the .vue files so the rules are unit-tested and shared with the rack view later.
import type { EngineState, Health, ImageState, ServerState, ServerStatus } from '@contract/status'

export type Tone = 'good' | 'warn' | 'bad' | 'idle' | 'busy'

export const stateTone: Record<ServerState, Tone> = {
  running: 'good',
  paused: 'warn',
  restarting: 'busy',
  created: 'idle',
  stopped: 'idle',
  'powered-off': 'idle',
  absent: 'idle',
  crashed: 'bad',
}
export const stateLabel = (s: ServerState): string => (s === 'powered-off' ? 'powered off' : s === 'absent' ? 'no container' : s)

export const healthTone: Record<Health, Tone> = { healthy: 'good', unhealthy: 'bad', starting: 'busy', unknown: 'idle' }

export const engineTone: Record<EngineState, Tone> = {
  connected: 'good',
  absent: 'bad',
  denied: 'bad',
  stopped: 'bad',
  'too-old': 'bad',
  error: 'bad',
}

/** null when there is nothing to say (the image is built) */
export function imageNote(s: ImageState): { text: string; tone: Tone } | null {
  switch (s) {
    case 'built':
      return null
    case 'no-image':
      return { text: 'not built yet', tone: 'warn' }
    case 'missing':
      return { text: 'image not built — Up builds it', tone: 'idle' }
    case 'building':
      return { text: 'building image…', tone: 'busy' }
  }
}

export type ServerButton = 'start' | 'stop' | 'kill'
export interface ButtonState {
  enabled: boolean
  /** why it is disabled, shown as the button's tooltip */
  reason?: string
}

const STARTABLE: readonly ServerState[] = ['created', 'stopped', 'crashed', 'powered-off']
const STOPPABLE: readonly ServerState[] = ['running', 'paused', 'restarting']

/**
 * Start needs an existing container that is not running; Stop and Kill need one that is.
 * `blocked` is a reason that disables everything (disconnected, engine down, a control in flight).
 */
export function serverButtons(s: ServerStatus, blocked: string | null): Record<ServerButton, ButtonState> {
  const gate = (ok: boolean, why: string): ButtonState => (blocked ? { enabled: false, reason: blocked } : ok ? { enabled: true } : { enabled: false, reason: why })
  const noContainer = s.state === 'absent' ? `${s.id} has no container yet — use Up` : null
  return {
    start: gate(STARTABLE.includes(s.state), noContainer ?? `${s.id} is already ${stateLabel(s.state)}`),
    stop: gate(STOPPABLE.includes(s.state), noContainer ?? `${s.id} is ${stateLabel(s.state)}`),
    kill: gate(STOPPABLE.includes(s.state), noContainer ?? `${s.id} is ${stateLabel(s.state)}`),
  }
}

export function formatIps(ips: Record<string, string>): string {
  return Object.entries(ips)
    .map(([net, ip]) => `${net} ${ip}`)
    .join(' · ')
}

/** Wall-clock HH:MM:SS of an ISO time; the raw string when it does not parse. */
export function clockTime(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour12: false })
}

/** The engine's breaker trip causes (main/engine/hardware/power-rules.ts) in words; an unknown cause as sent. */
export function tripCauseText(cause: string): string {
  const words: Record<string, string> = {
    manual: 'tripped by hand',
    instant: 'instant trip: the current jumped past the magnetic limit (inrush or a short)',
    overload: 'overload held too long: the thermal element tripped',
  }
  return words[cause] ?? cause
}

/** a rebuild's or resilver's time left, in lab time ("" when not known) */
export const rebuildEta = (ms: number | null): string =>
  ms === null ? '' : ms > 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h left (lab time)` : `${Math.ceil(ms / 60_000)} min left (lab time)`

/** an array's or a vdev's state as a tone: optimal good, failed bad, anything between a warning */
export const arrayTone = (s: string): Tone => (s === 'optimal' ? 'good' : s === 'failed' ? 'bad' : 'warn')
