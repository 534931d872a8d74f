import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addEngine, findEngineEntry, loadRegistry, parseEngineHost, registryFile, removeEngine } from './registry'

let home: string
beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'rl-engines-'))))
afterEach(() => rmSync(home, { recursive: true, force: true }))

describe('parseEngineHost', () => {
  it('takes a unix socket by absolute path and tcp with the docker CLI\'s default ports', () => {
    expect(parseEngineHost('unix:///var/run/docker-two.sock')).toEqual({ host: 'unix:///var/run/docker-two.sock' })
    expect(parseEngineHost('tcp://10.0.0.5')).toEqual({ host: 'tcp://10.0.0.5:2375' })
    expect(parseEngineHost('tcp://box:2376')).toEqual({ host: 'tcp://box:2376' })
  })
  it('uses TLS with a cert folder holding ca, cert and key, and refuses one without them', () => {
    const certs = join(home, 'certs')
    mkdirSync(certs)
    expect(() => parseEngineHost('tcp://box', certs)).toThrow(/--cert-path .* must hold ca.pem, cert.pem and key.pem/)
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, f), 'x')
    expect(parseEngineHost('tcp://box', certs)).toEqual({ host: 'tcp://box:2376', certPath: certs })
  })
  it('names what is wrong with an address it cannot use', () => {
    expect(() => parseEngineHost('unix://docker.sock')).toThrow(/needs an absolute path/)
    expect(() => parseEngineHost('ftp://x')).toThrow(/use unix:\/\/\/path\/to\/docker.sock or tcp:\/\/host:port/)
    expect(() => parseEngineHost('ssh://me@box')).toThrow(/ssh:\/\/ is not supported; forward the remote socket/)
    expect(() => parseEngineHost('tcp://box:2375/v1')).toThrow(/has no path/)
  })
})

describe('the registry file', () => {
  const two = { name: 'two', host: 'unix:///var/run/docker-two.sock' }
  it('adds, finds and removes engines, keeping the file whole', () => {
    addEngine(two, home)
    addEngine({ name: 'big', host: 'tcp://big:2375' }, home)
    expect(loadRegistry(home).map((e) => e.name)).toEqual(['two', 'big'])
    expect(findEngineEntry('big', home).host).toBe('tcp://big:2375')
    expect(findEngineEntry('default', home).name).toBe('default')
    removeEngine('two', home)
    expect(JSON.parse(readFileSync(registryFile(home), 'utf8'))).toEqual({ engines: [{ name: 'big', host: 'tcp://big:2375' }] })
  })
  it('refuses a duplicate name, a second name for one host, "default" and a bad name', () => {
    addEngine(two, home)
    expect(() => addEngine({ ...two, host: 'tcp://other:2375' }, home)).toThrow(/an engine named "two" is already registered/)
    expect(() => addEngine({ ...two, name: 'again' }, home)).toThrow(/already registered as "two"/)
    expect(() => addEngine({ ...two, name: 'default' }, home)).toThrow(/"default" is the engine of your environment/)
    expect(() => addEngine({ ...two, name: 'Bad Name' }, home)).toThrow(/engine name "Bad Name"/)
  })
  it('says which engines exist when a name is unknown, and refuses removing one that is not there', () => {
    addEngine(two, home)
    expect(() => findEngineEntry('nope', home)).toThrow(/unknown engine "nope": registered are two \(and default\)/)
    expect(() => removeEngine('nope', home)).toThrow(/no engine named "nope" is registered \(registered: two\)/)
    expect(() => removeEngine('default', home)).toThrow(/is your environment's engine and is not registered/)
  })
  it('refuses a registry edited into nonsense, naming the file and the field, and never overwrites it', () => {
    writeFileSync(registryFile(home), '{"engines": [{"name": "two"}]}')
    expect(() => loadRegistry(home)).toThrow(/engines\.json is not an engine registry: engines\.0\.host/)
    expect(() => addEngine({ name: 'x', host: 'tcp://x:2375' }, home)).toThrow(/not an engine registry/)
    expect(readFileSync(registryFile(home), 'utf8')).toBe('{"engines": [{"name": "two"}]}')
    writeFileSync(registryFile(home), '{"engines": [')
    expect(() => loadRegistry(home)).toThrow(/engines\.json is not JSON/)
  })
})
