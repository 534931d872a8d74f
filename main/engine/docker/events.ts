// Lab events from Docker's event stream, kept alive across daemon restarts.
// Docker 20.10 puts labels in container event attributes but not in network/volume ones, so a
// server-side `label` filter would hide every network event. We ask for the three types and
// match labels here: containers by attributes, networks/volumes by the ids we know are ours.
import type Docker from 'dockerode'
import type { EngineStatus } from '@contract/status'
import { LineSplitter } from './json-stream'
import { LABEL_LAB, type LabDockerEvent } from './types'

interface RawEvent {
  Type?: string
  Action?: string
  Actor?: { ID?: string; Attributes?: Record<string, string> }
  timeNano?: number
  time?: number
}

/** Attributes docker adds to container events that are not labels. */
const NOT_LABELS = new Set(['name', 'image', 'exitCode', 'signal', 'execID', 'container', 'type', 'driver', 'destination', 'propagation', 'read/write'])
/** exec_* events fire for every probe; they say nothing about the container's state. */
const NOISE = /^exec_(create|start|die|detach)\b/

export interface EventDeps {
  docker: Docker
  status(): Promise<EngineStatus>
  /** our networks and volumes: id/name → labels (seeds the filter after each (re)open) */
  listOwned(labId: string): Promise<Map<string, Record<string, string>>>
  /** labels of a network or volume that just appeared; undefined when gone or not inspectable */
  labelsOf(type: 'network' | 'volume', id: string): Promise<Record<string, string> | undefined>
}

export const BACKOFF_START_MS = 1_000
export const BACKOFF_MAX_MS = 30_000

export function watchLabEvents(deps: EventDeps, labId: string, onEvent: (e: LabDockerEvent) => void, onEngine: (s: EngineStatus) => void): () => void {
  let stopped = false
  let stream: NodeJS.ReadableStream & { destroy?: () => void } | undefined
  let timer: NodeJS.Timeout | undefined
  let delay = BACKOFF_START_MS
  let last: string | undefined
  let owned = new Map<string, Record<string, string>>()

  const report = (s: EngineStatus): void => {
    const key = `${s.state}|${s.message}`
    if (key === last) return
    last = key
    onEngine(s)
  }

  const handle = async (raw: RawEvent): Promise<void> => {
    const type = raw.Type
    const id = raw.Actor?.ID ?? ''
    const action = raw.Action ?? ''
    const time = raw.timeNano ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000
    if (type === 'container') {
      const attrs = raw.Actor?.Attributes ?? {}
      if (attrs[LABEL_LAB] !== labId || NOISE.test(action)) return
      const labels = Object.fromEntries(Object.entries(attrs).filter(([k]) => !NOT_LABELS.has(k)))
      onEvent({ type, action, id, labels, time })
    } else if (type === 'network' || type === 'volume') {
      let labels = owned.get(id)
      if (!labels && action === 'create') {
        labels = await deps.labelsOf(type, id)
        if (labels?.[LABEL_LAB] === labId) owned.set(id, labels)
        else labels = undefined
      }
      if (!labels) return
      if (action === 'destroy') owned.delete(id)
      onEvent({ type, action, id, labels, time })
    }
  }

  const retry = (): void => {
    stream = undefined
    if (stopped || timer) return
    timer = setTimeout(() => {
      timer = undefined
      void open(true)
    }, delay)
    delay = Math.min(delay * 2, BACKOFF_MAX_MS)
  }

  const open = async (reopened: boolean): Promise<void> => {
    if (stopped) return
    const s = await deps.status()
    if (stopped) return
    report(s)
    if (s.state !== 'connected') return retry()
    try {
      owned = await deps.listOwned(labId)
      const st = (await deps.docker.getEvents({ filters: { type: ['container', 'network', 'volume'] } })) as NodeJS.ReadableStream & { destroy?: () => void }
      if (stopped) return st.destroy?.()
      stream = st
    } catch {
      return retry()
    }
    delay = BACKOFF_START_MS
    // events were missed while the stream was down: the caller re-lists
    if (reopened) onEvent({ type: 'resync', action: 'resync', id: '', labels: {}, time: Date.now() })
    const lines = new LineSplitter()
    // events are handled in arrival order even when one needs an inspect
    let chain = Promise.resolve()
    stream.on('data', (c: Buffer) => {
      for (const line of lines.push(c)) {
        if (!line.trim()) continue
        let raw: RawEvent
        try {
          raw = JSON.parse(line) as RawEvent
        } catch {
          continue
        }
        chain = chain.then(() => handle(raw)).catch(() => undefined)
      }
    })
    let gone = false
    const lost = (): void => {
      if (gone || stopped) return
      gone = true
      retry()
    }
    stream.on('end', lost)
    stream.on('close', lost)
    stream.on('error', lost)
  }

  void open(false)
  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
    stream?.destroy?.()
  }
}
