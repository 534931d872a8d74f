import { describe, expect, it } from 'vitest'
import { commandInputs } from '@contract/commands'
import { toWireError } from '@contract/errors'
import type { ActionParam } from '@contract/status'
import { checkActionArgs, parseArgWords } from './action-args'

const user: ActionParam = { id: 'user', label: 'User', choices: ['alice', 'bob'], optional: true }
const err = (f: () => unknown): { code: string; message: string } => {
  try {
    f()
  } catch (e) {
    return e as { code: string; message: string }
  }
  throw new Error('did not throw')
}

describe('checkActionArgs', () => {
  it('takes a listed value, or nothing for an optional parameter', () => {
    expect(checkActionArgs('resync server:imap2', [user], { user: 'bob' })).toEqual({ user: 'bob' })
    expect(checkActionArgs('resync server:imap2', [user], {})).toEqual({})
    expect(checkActionArgs('power-off server:db1', undefined)).toEqual({})
  })

  it('refuses a value outside the choices, naming the parameter, the value and the choices', () => {
    expect(err(() => checkActionArgs('resync server:imap2', [user], { user: 'mallory' }))).toMatchObject({
      code: 'BAD_INPUT',
      message: 'resync server:imap2: user "mallory" is not one of: alice, bob',
    })
  })

  it('refuses an unknown parameter, and any parameter for an action that takes none', () => {
    expect(err(() => checkActionArgs('resync server:imap2', [user], { colour: 'red' })).message).toBe('resync server:imap2 has no parameter "colour" (it takes: user)')
    expect(err(() => checkActionArgs('power-off server:db1', [], { user: 'bob' })).message).toBe('power-off server:db1 takes no parameters (got "user")')
  })

  it('refuses a missing required parameter, listing what it may be', () => {
    expect(err(() => checkActionArgs('move-vip server:fe1', [{ id: 'vip', label: 'VIP', choices: ['www-a', 'www-b'], optional: false }], {})).message).toBe('move-vip server:fe1 needs vip=… (one of: www-a, www-b)')
  })
})

describe('parseArgWords', () => {
  it('reads name=value words; a value may hold "="', () => {
    expect(parseArgWords(['user=alice', 'note=a=b'])).toEqual({ user: 'alice', note: 'a=b' })
  })
  it('refuses a word that is not name=value, and a name given twice', () => {
    expect(err(() => parseArgWords(['alice'])).message).toMatch(/"alice" is not NAME=VALUE/)
    expect(err(() => parseArgWords(['user=a', 'user=b'])).message).toBe('"user" is given twice')
  })
})

describe('actions.run input', () => {
  it('carries args by lowercase name; other names and empty values are refused at the contract', () => {
    const input = commandInputs['actions.run']
    expect(input.parse({ target: 'server:imap2', action: 'resync', args: { user: 'bob' } })).toEqual({ target: 'server:imap2', action: 'resync', args: { user: 'bob' } })
    const bad = input.safeParse({ target: 'server:imap2', action: 'resync', args: { 'User!': 'bob' } })
    expect(toWireError(bad.error).message).toBe('invalid argument — args.User!: a parameter name is lowercase letters, digits and dashes')
    expect(input.safeParse({ target: 'server:imap2', action: 'resync', args: { user: '' } }).success).toBe(false)
  })
})
