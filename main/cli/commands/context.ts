// Shared by the CLI commands: the parsed options and a typed call through the dispatcher.
import type { Cmd, CmdIn, CmdOut } from '@contract/commands'
import { LabError } from '@contract/errors'
import { createRuntime, type Runtime } from '../../api/runtime'

export interface CliArgs {
  json: boolean
  topology?: string | undefined
  only?: string | undefined
  volumes: boolean
  fresh: boolean
  tail?: string | undefined
  follow: boolean
  host?: string | undefined
  port?: string | undefined
  since?: string | undefined
  positionals: string[]
  rest: string[]
}

export type CliCommand = (a: CliArgs) => Promise<number>

export async function runtimeFor(a: CliArgs, watch = false): Promise<Runtime> {
  return createRuntime({ ...(a.topology ? { topologyFile: a.topology } : {}), watch })
}

export async function call<C extends Cmd>(rt: Runtime, cmd: C, arg?: CmdIn<C>): Promise<CmdOut<C>> {
  const reply = await rt.dispatch(cmd, arg)
  if (!reply.ok) throw new LabError(reply.error.code, reply.error.message, reply.error.detail)
  return reply.value as CmdOut<C>
}

export function need(a: CliArgs, index: number, what: string): string {
  const v = a.positionals[index]
  if (!v) throw new LabError('BAD_INPUT', `missing ${what}`)
  return v
}
