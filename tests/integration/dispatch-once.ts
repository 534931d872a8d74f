// One contract call from the test process, through the lab's engine service (started when none runs), as the
// CLI and the UI make it: never a second writer beside the engine.
import type { Cmd, CmdIn } from '@contract/commands'
import type { Reply } from '@contract/errors'
import { toWireError } from '@contract/errors'
import { openLink } from '../../main/cli/lab-link'
import { TEST_HOME, TEST_LAB } from './helpers'

export async function dispatchOnce<C extends Cmd>(cmd: C, arg: CmdIn<C>): Promise<Reply<unknown>> {
  process.env.RACKLAB_HOME = TEST_HOME
  process.env.RACKLAB_LAB = TEST_LAB
  const link = await openLink({ engine: 'start' })
  try {
    return { ok: true, value: await link.call(cmd, arg) }
  } catch (e) {
    return { ok: false, error: toWireError(e) }
  } finally {
    link.close()
  }
}
