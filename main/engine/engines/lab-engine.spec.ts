// Which engine a lab's command goes to, from its record and --engine/RACKLAB_ENGINE (no Docker needed: placing,
// which asks Docker, is covered by tests/integration/engines.test.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { engineForLab } from './lab-engine'
import { writeLabEngine } from './lab-record'
import { addEngine, removeEngine } from './registry'

let home: string
const saved = { ...process.env }
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'rl-lab-engine-'))
  process.env.RACKLAB_HOME = home
  process.env.DOCKER_HOST = 'unix:///var/run/docker-one.sock'
  delete process.env.RACKLAB_ENGINE
  addEngine({ name: 'two', host: 'unix:///var/run/docker-two.sock' }, home)
})
afterEach(() => {
  process.env = { ...saved }
  rmSync(home, { recursive: true, force: true })
})

describe('engineForLab', () => {
  it('a lab with no record goes to the environment\'s engine, with nothing to override', async () => {
    const c = await engineForLab('a', join(home, 'a'))
    expect(c.entry).toMatchObject({ name: 'default', host: 'unix:///var/run/docker-one.sock' })
    expect(c.docker).toBe('unix:///var/run/docker-one.sock')
  })
  it('a recorded lab goes to its engine whatever DOCKER_HOST says now, with the env its engine service needs', async () => {
    writeLabEngine(join(home, 'b'), { name: 'two', host: 'unix:///var/run/docker-two.sock' })
    process.env.DOCKER_HOST = 'unix:///var/run/docker-elsewhere.sock'
    const c = await engineForLab('b', join(home, 'b'))
    expect(c.entry.name).toBe('two')
    expect(c.env).toEqual({ DOCKER_HOST: 'unix:///var/run/docker-two.sock', DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '' })
    expect(c.docker).toBe('unix:///var/run/docker-two.sock')
  })
  it('refuses --engine or RACKLAB_ENGINE naming another engine than the recorded one, and an unknown engine', async () => {
    writeLabEngine(join(home, 'b'), { name: 'two', host: 'unix:///var/run/docker-two.sock' })
    await expect(engineForLab('b', join(home, 'b'), 'default')).rejects.toThrow(/lab b lives on engine two .* not default: a lab lives whole on one engine/)
    process.env.RACKLAB_ENGINE = 'default'
    await expect(engineForLab('b', join(home, 'b'))).rejects.toThrow(/lives on engine two/)
    // null: the record decides, whatever RACKLAB_ENGINE says (a workshop's labs)
    expect((await engineForLab('b', join(home, 'b'), null)).entry.name).toBe('two')
    await expect(engineForLab('c', join(home, 'c'), 'nope')).rejects.toThrow(/unknown engine "nope"/)
  })
  it('a record naming an engine removed from the registry is ignored: the lab is where the environment says', async () => {
    writeLabEngine(join(home, 'b'), { name: 'two', host: 'unix:///var/run/docker-two.sock' })
    removeEngine('two', home)
    expect((await engineForLab('b', join(home, 'b'))).entry.name).toBe('default')
  })
})
