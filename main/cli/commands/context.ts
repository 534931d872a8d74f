// Shared by the CLI commands: the parsed options and a typed call through the dispatcher.
import type { Cmd, CmdIn, CmdOut } from '@contract/commands'
import { LabError } from '@contract/lab-error'
import { openLink, type LabLink } from '../lab-link'

export interface CliArgs {
  json: boolean
  topology?: string | undefined
  only?: string | undefined
  volumes: boolean
  fresh: boolean
  timings: boolean
  tail?: string | undefined
  follow: boolean
  host?: string | undefined
  port?: string | undefined
  since?: string | undefined
  until?: string | undefined
  as?: string | undefined
  compare?: string | undefined
  junit?: string | undefined
  result?: string | undefined
  noEngine?: boolean
  /** serve: no QR codes after the links (they are printed only on a terminal anyway) */
  noQr?: boolean
  labs?: string | undefined
  scenario?: string | undefined
  name?: string | undefined
  workshop?: string | undefined
  /** a registered Docker engine (racklab engines ls), else RACKLAB_ENGINE */
  engine?: string | undefined
  certPath?: string | undefined
  force?: boolean
  positionals: string[]
  rest: string[]
}

export type CliCommand = (a: CliArgs) => Promise<number>

/**
 * the lab this command acts on: through its engine service ('start' starts one), or in-process with --no-engine;
 * on the Docker engine the lab is recorded on (place: up puts it on --engine and records that)
 */
export function linkFor(a: CliArgs, engine: 'start' | 'attach' = 'start', watch = false, place = false): Promise<LabLink> {
  return openLink({ topology: a.topology, noEngine: !!a.noEngine, engine, watch, dockerEngine: a.engine, place })
}

export function call<C extends Cmd>(link: LabLink, cmd: C, arg?: CmdIn<C>): Promise<CmdOut<C>> {
  return link.call(cmd, arg)
}

export function need(a: CliArgs, index: number, what: string): string {
  const v = a.positionals[index]
  if (!v) throw new LabError('BAD_INPUT', `missing ${what}`)
  return v
}
