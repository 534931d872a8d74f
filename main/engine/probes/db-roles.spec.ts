// Which db server the probes take for the primary (db-roles.ts): the markers' word, the topology's before any
// reading, and the topology's while its own marker is unread and no other marker says primary.
import { describe, expect, it } from 'vitest'
import { DbRoleBook } from './db-roles'

const book = (markers: Record<string, { role: 'primary' | 'replica'; epoch: number } | undefined>): DbRoleBook => {
  const b = new DbRoleBook()
  for (const [id, m] of Object.entries(markers)) b.set(id, m)
  return b
}
const ALL = ['db1', 'db2', 'db3']

describe('DbRoleBook.primary', () => {
  it('the topology\'s before any reading', () => {
    expect(book({}).primary(ALL, 'db1')).toBe('db1')
  })

  it('the marker that says primary with the highest epoch: a promoted db2 over a fenced db1', () => {
    expect(book({ db1: { role: 'primary', epoch: 0 }, db2: { role: 'primary', epoch: 1 }, db3: { role: 'replica', epoch: 1 } }).primary(ALL, 'db1')).toBe('db2')
  })

  it('db1 running but its marker not read yet, the others replicas: still db1, not "no primary"', () => {
    expect(book({ db1: undefined, db2: { role: 'replica', epoch: 0 }, db3: { role: 'replica', epoch: 0 } }).primary(ALL, 'db1')).toBe('db1')
  })

  it('db1 read and not a primary, and no other: none (a fail-back half done is not papered over)', () => {
    expect(book({ db1: { role: 'replica', epoch: 2 }, db2: { role: 'replica', epoch: 2 } }).primary(ALL, 'db1')).toBeUndefined()
  })

  it('db1 not running and no marker says primary: none', () => {
    expect(book({ db2: { role: 'replica', epoch: 0 } }).primary(['db2', 'db3'], 'db1')).toBeUndefined()
  })
})
