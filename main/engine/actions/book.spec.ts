import { mkdtempSync, readFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ActionLedger } from './action-ledger'
import { ActionBook } from './book'
import { inverseOf } from './inverses'
import type { ActionSource, ActionSpec } from './types'

/** a switch with one light: on/off, refused when already there */
function lamp(state: { on: boolean; runs: string[] }, hold?: Promise<void>): ActionSource {
  const spec = (id: 'on' | 'off'): ActionSpec => ({
    id: id === 'on' ? 'power-on' : 'power-off',
    label: id,
    kind: 'operate',
    ...(state.on === (id === 'on') ? { refused: `it is already ${id}` } : {}),
    inverse: inverseOf('server:x', id === 'on' ? 'power-on' : 'power-off'),
    run: async () => {
      await hold
      state.on = id === 'on'
      state.runs.push(id)
      return `turned ${id}`
    },
  })
  return { family: 'hardware', targets: () => ['server:x'], actions: async (t) => (t === 'server:x' ? [spec('on'), spec('off')] : undefined) }
}

function setup(hold?: Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'racklab-book-'))
  const file = join(dir, 'actions.jsonl')
  const state = { on: true, runs: [] as string[] }
  const journal: string[] = []
  const make = (): ActionBook => new ActionBook({ sources: [lamp(state, hold)], ledger: new ActionLedger(file), labMs: () => 0, journal: (r, text, ok) => journal.push(`${r.seq} ${r.action} ${ok ? 'ok' : 'failed'}: ${text}`) })
  return { file, state, journal, make }
}

describe('ActionBook', () => {
  it('runs an action, ledgers it with its inverse, and undo applies the inverse once', async () => {
    const t = setup()
    const book = t.make()
    expect(await book.run('server:x', 'power-off')).toEqual({ seq: 1, text: 'turned off' })
    expect(t.state.on).toBe(false)
    expect(new ActionLedger(t.file).get(1)).toMatchObject({ action: 'power-off', inverse: { action: 'power-on' }, result: { ok: true } })
    expect(await book.undo()).toMatchObject({ undid: 1, text: 'turned on' })
    expect(t.state.on).toBe(true)
    await expect(book.undo(1)).rejects.toMatchObject({ code: 'REFUSED', message: expect.stringContaining('already undone') })
    await expect(book.undo(99)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('a bare undo asked while an action still runs undoes that action once it ends, not an older one', async () => {
    const t = setup()
    await t.make().run('server:x', 'power-off') // the older action, done
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const book = new ActionBook({ sources: [lamp(t.state, held)], ledger: new ActionLedger(t.file), labMs: () => 0, journal: () => undefined })
    const running = book.run('server:x', 'power-on') // still running when the undo comes
    const undo = book.undo()
    release()
    await running
    expect(await undo).toMatchObject({ undid: 2, text: 'turned off' })
    expect(t.state.runs).toEqual(['off', 'on', 'off'])
  })

  it('two clients racing: one wins, the other is refused with the reason, and the ledger holds one action', async () => {
    const t = setup()
    const book = t.make()
    const [a, b] = await Promise.allSettled([book.run('server:x', 'power-off'), book.run('server:x', 'power-off')])
    expect(a.status).toBe('fulfilled')
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'REFUSED', message: 'cannot power-off server:x: it is already off' } })
    expect(new ActionLedger(t.file).list()).toHaveLength(1)
  })

  it('exclusive work (provisioning after a boot) and actions never interleave, in the order they came', async () => {
    const t = setup()
    const book = t.make()
    const order: string[] = []
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const work = book.exclusive(async () => {
      order.push('provision start')
      await held
      order.push('provision end')
    })
    const act = book.run('server:x', 'power-off').then(() => order.push('power-off'))
    await new Promise((r) => setTimeout(r, 10))
    expect(order).toEqual(['provision start'])
    release()
    await Promise.all([work, act])
    expect(order).toEqual(['provision start', 'provision end', 'power-off'])
    // a failed piece of work does not block the queue
    await expect(book.exclusive(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await book.run('server:x', 'power-on')).toMatchObject({ text: 'turned on' })
  })

  it('a physical action runs while a long role action is under way; role actions wait for each other; undo waits for both', async () => {
    const t = setup()
    const order: string[] = []
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const backup: ActionSource = {
      family: 'role',
      targets: () => ['server:x'],
      actions: async (target) =>
        target === 'server:x'
          ? (['backup-now', 'restore'] as const).map((id) => ({
              id,
              label: id,
              kind: 'operate' as const,
              inverse: { none: 'a backup is not undone' },
              run: async () => {
                order.push(`${id} start`)
                if (id === 'backup-now') await held
                order.push(`${id} end`)
                return id
              },
            }))
          : undefined,
    }
    const book = new ActionBook({ sources: [lamp(t.state), backup], ledger: new ActionLedger(t.file), labMs: () => 0, journal: () => undefined })
    const running = book.run('server:x', 'backup-now')
    const restore = book.run('server:x', 'restore')
    await new Promise((r) => setTimeout(r, 10))
    // the power button is pressed while the backup runs, and takes effect at once
    expect(await book.run('server:x', 'power-off')).toMatchObject({ text: 'turned off' })
    const undo = book.undo()
    await new Promise((r) => setTimeout(r, 10))
    expect(order).toEqual(['backup-now start'])
    expect(t.state.on).toBe(false)
    release()
    await Promise.all([running, restore])
    expect(await undo).toMatchObject({ text: 'turned on' })
    expect(order).toEqual(['backup-now start', 'backup-now end', 'restore start', 'restore end'])
  })

  it('unknown targets, actions and args are refused before anything is ledgered', async () => {
    const t = setup()
    const book = t.make()
    await expect(book.run('server:y', 'power-off')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(book.run('server:x', 'explode')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('power-on, power-off') })
    await expect(book.run('server:x', 'power-off', { user: 'bob' })).rejects.toMatchObject({ code: 'BAD_INPUT' })
    expect(new ActionLedger(t.file).list()).toHaveLength(0)
  })

  it('an act names its action to the sources, asks them at once, and an unknown action is answered with the whole list', async () => {
    const t = setup()
    const asked: string[] = []
    let inFlight = 0
    let most = 0
    // a role-like source that lists only what is wanted, slowly (as docker execs are)
    const slow = (family: ActionSource['family'], ids: string[]): ActionSource => ({
      family,
      targets: () => ['server:x'],
      actions: async (target, want) => {
        asked.push(`${family}:${want ?? '*'}`)
        inFlight++
        most = Math.max(most, inFlight)
        await new Promise((r) => setTimeout(r, 20))
        inFlight--
        const list = want === undefined ? ids : ids.filter((id) => id === want)
        return list.map((id): ActionSpec => ({ id, label: id, kind: 'operate', inverse: { none: 'test' }, run: async () => `${id} done` }))
      },
    })
    const book = new ActionBook({ sources: [slow('container', ['stop']), slow('role', ['backup-now', 'restore-mail'])], ledger: new ActionLedger(t.file), labMs: () => 0, journal: () => undefined })
    expect(await book.run('server:x', 'restore-mail')).toMatchObject({ text: 'restore-mail done' })
    expect(asked).toContain('role:restore-mail')
    expect(asked).not.toContain('role:*')
    expect(most).toBe(2)
    await expect(book.run('server:x', 'explode')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('stop, backup-now, restore-mail') })
  })

  it('an action begun by an engine that died is finished on the next start; a torn last line is cut back', async () => {
    const t = setup()
    const ledger = new ActionLedger(t.file)
    ledger.begin({ labMs: 0, target: 'server:x', action: 'power-off', args: {}, family: 'hardware', inverse: { action: 'power-on' } })
    appendFileSync(t.file, '{"end":1,"ok":tr') // killed mid-write of its end
    const book = t.make()
    expect(await book.resumeInterrupted()).toEqual(['power-off server:x: turned off'])
    expect(t.state.on).toBe(false)
    const lines = readFileSync(t.file, 'utf8').trimEnd().split('\n')
    expect(lines.map((l) => JSON.parse(l) as object)).toHaveLength(2) // begin + end, the torn line gone
    expect(new ActionLedger(t.file).interrupted()).toEqual([])
    // and an action already in place when resumed is closed as such, not run twice
    const again = new ActionLedger(t.file)
    again.begin({ labMs: 0, target: 'server:x', action: 'power-off', args: {}, family: 'hardware', inverse: { action: 'power-on' } })
    expect(await t.make().resumeInterrupted()).toEqual(['power-off server:x: already in place (it is already off)'])
    expect(t.state.runs).toEqual(['off'])
  })
})

describe('an inverse that takes the same arguments', () => {
  it('firewall-block port=3306 is ledgered with firewall-unblock port=3306, and undo runs that', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-book-'))
    const blocked = new Set<string>()
    const spec = (id: 'firewall-block' | 'firewall-unblock'): ActionSpec => ({
      id,
      label: id,
      kind: id === 'firewall-block' ? 'break' : 'restore',
      params: [{ id: 'port', label: 'port', choices: ['25', '3306'], optional: false }],
      inverse: inverseOf('server:db1', id),
      run: async ({ port }) => {
        if (id === 'firewall-block') blocked.add(port!)
        else blocked.delete(port!)
        return `${id} ${port}`
      },
    })
    const src: ActionSource = { family: 'role', targets: () => ['server:db1'], actions: async () => [spec('firewall-block'), spec('firewall-unblock')] }
    const book = new ActionBook({ sources: [src], ledger: new ActionLedger(join(dir, 'a.jsonl')), labMs: () => 0, journal: () => undefined })
    await book.run('server:db1', 'firewall-block', { port: '3306' })
    expect(new ActionLedger(join(dir, 'a.jsonl')).get(1)).toMatchObject({ inverse: { action: 'firewall-unblock', args: { port: '3306' } } })
    expect(blocked).toEqual(new Set(['3306']))
    expect(await book.undo()).toMatchObject({ undid: 1, text: 'firewall-unblock 3306' })
    expect(blocked.size).toBe(0)
  })
})

describe('inverseOf', () => {
  it('pairs breaks with their way back, and says why when there is none', () => {
    expect(inverseOf('circuit:nyi-1-a', 'trip')).toEqual({ action: 'reset' })
    expect(inverseOf('cable:db2/int', 'plug')).toEqual({ action: 'unplug' })
    expect(inverseOf('psu:db1/1', 'fail')).toEqual({ action: 'replace' })
    expect(inverseOf('pdu:nyi-1-a', 'fail')).toEqual({ action: 'repair' })
    expect(inverseOf('server:fe1', 'move-vip-www')).toEqual({ action: 'return-vip-www' })
    expect(inverseOf('server:imap2', 'promote')).toEqual({ action: 'fail-back' })
    expect(inverseOf('server:db2', 'kill')).toEqual({ action: 'start' })
    expect(inverseOf('array:raid1/raid1-spool', 'recreate')).toMatchObject({ none: expect.stringContaining('starts empty') })
  })

  it('targets() lists every target in order, a few at a time rather than one after another or all at once', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `server:s${i}`)
    let running = 0
    let most = 0
    const slow: ActionSource = {
      family: 'role',
      targets: () => names,
      actions: async (target) => {
        running++
        most = Math.max(most, running)
        // later targets answer sooner: the order must still be the sources'
        await new Promise((r) => setTimeout(r, 30 - names.indexOf(target) * 2))
        running--
        return [{ id: 'poke', label: `poke ${target}`, kind: 'operate', inverse: { none: 'a poke changes nothing' }, run: async () => 'poked' }]
      },
    }
    const book = new ActionBook({ sources: [slow], ledger: new ActionLedger(join(mkdtempSync(join(tmpdir(), 'rl-book-')), 'a.jsonl')), labMs: () => 0, journal: () => undefined })
    const list = await book.targets()
    expect(list.map((t) => t.target)).toEqual(names)
    expect(list.every((t) => t.actions.length === 1 && t.actions[0]!.label === `poke ${t.target}`)).toBe(true)
    expect(most).toBeGreaterThan(1)
    expect(most).toBeLessThanOrEqual(4)
  })
})
