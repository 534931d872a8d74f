import type { CliCommand } from './context'
import { act, actions } from './actions'
import { ca, endpoints, exec, journal, logs, status } from './inspect'
import { check, watch } from './watch'
import { down, up } from './lifecycle'
import { scenario } from './scenario'
import { serve } from './serve'

export const commands: Record<string, CliCommand> = { up, down, status, endpoints, ca, check, logs, exec, journal, actions, act, scenario, serve, watch }
