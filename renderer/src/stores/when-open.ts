// Snapshots (lab.status, engine.status, journal.list) must be fetched again after every reconnect, because the
// events that would have kept them current were broadcast while this page was not listening.
import type { RendererClient } from '../client/types'

export function whenOpen(client: RendererClient, fn: () => void): () => void {
  if (client.connection.state === 'open') fn()
  let was = client.connection.state
  return client.onConnection((c) => {
    if (c.state === 'open' && was !== 'open') fn()
    was = c.state
  })
}

/** Runs every unsubscribe function once, in order. */
export function all(offs: Array<() => void>): () => void {
  return () => {
    for (const off of offs.splice(0)) off()
  }
}
