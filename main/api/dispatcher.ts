// One entry point for every transport: validate the argument with the contract's schema, run the handler,
// and turn any failure into an error envelope. No transport ever sees a thrown error.
// Each call says which client (one WebSocket connection, one loaded window) made it: what a client opens
// (a console) is its own, and is closed when the transport reports the client gone.
import { commandInputs, isCmd, type Cmd, type CmdArg, type CmdOut } from '@contract/commands'
import { toWireError, type Reply } from '@contract/errors'

/** The client of a process that is its own only client (a one-shot CLI command). */
export const LOCAL_CLIENT = 'local'

export interface CallContext {
  client: string
}
export type Handlers = { [C in Cmd]: (arg: CmdArg<C>, ctx: CallContext) => Promise<CmdOut<C>> }

export interface Dispatch {
  (cmd: unknown, arg: unknown, client?: string): Promise<Reply<unknown>>
  /** the transport lost this client (socket closed, window reloaded or gone): free what it owned */
  clientGone(client: string): void
}

export function createDispatcher(handlers: Handlers, onClientGone: (client: string) => void = () => undefined): Dispatch {
  const dispatch = async (cmd: unknown, raw: unknown, client = LOCAL_CLIENT): Promise<Reply<unknown>> => {
    if (!isCmd(cmd)) return { ok: false, error: { code: 'UNKNOWN_COMMAND', message: `unknown command ${JSON.stringify(cmd)}` } }
    try {
      const arg = commandInputs[cmd].parse(raw ?? undefined)
      const run = handlers[cmd] as (a: unknown, ctx: CallContext) => Promise<unknown>
      return { ok: true, value: await run(arg, { client }) }
    } catch (e) {
      return { ok: false, error: toWireError(e) }
    }
  }
  return Object.assign(dispatch, { clientGone: onClientGone })
}
