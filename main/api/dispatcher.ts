// One entry point for every transport: validate the argument with the contract's schema, run the handler,
// and turn any failure into an error envelope. No transport ever sees a thrown error.
import { commandInputs, isCmd, type Cmd, type CmdArg, type CmdOut } from '@contract/commands'
import { toWireError, type Reply } from '@contract/errors'

export type Handlers = { [C in Cmd]: (arg: CmdArg<C>) => Promise<CmdOut<C>> }
export type Dispatch = (cmd: unknown, arg: unknown) => Promise<Reply<unknown>>

export function createDispatcher(handlers: Handlers): Dispatch {
  return async (cmd, raw) => {
    if (!isCmd(cmd)) return { ok: false, error: { code: 'UNKNOWN_COMMAND', message: `unknown command ${JSON.stringify(cmd)}` } }
    try {
      const arg = commandInputs[cmd].parse(raw ?? undefined)
      const run = handlers[cmd] as (a: unknown) => Promise<unknown>
      return { ok: true, value: await run(arg) }
    } catch (e) {
      return { ok: false, error: toWireError(e) }
    }
  }
}
