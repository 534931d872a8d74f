// One contract call in this process, through the same runtime and dispatcher the UI uses.
import type { Cmd, CmdIn } from '@contract/commands'
import type { Reply } from '@contract/errors'
import { createRuntime } from '../../main/api/runtime'
import { TEST_HOME, TEST_LAB } from './helpers'

export async function dispatchOnce<C extends Cmd>(cmd: C, arg: CmdIn<C>): Promise<Reply<unknown>> {
  process.env.RACKLAB_HOME = TEST_HOME
  const rt = await createRuntime({ labId: TEST_LAB, watch: false })
  try {
    return await rt.dispatch(cmd, arg)
  } finally {
    rt.close()
  }
}
