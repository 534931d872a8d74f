import type { CliCommand } from './context'
import { act, actions } from './actions'
import { ca, check, endpoints, exec, journal, logs, status } from './inspect'
import { down, up } from './lifecycle'
import { scenario } from './scenario'
import { serve } from './serve'
import { engine } from './engine'
import { labs } from './labs'

export const commands: Record<string, CliCommand> = { up, down, status, endpoints, ca, check, logs, exec, journal, actions, act, scenario, serve, engine, labs }
