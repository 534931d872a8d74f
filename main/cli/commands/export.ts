// racklab export compose: the lab as a docker-compose file, on stdout (what is left out goes to stderr).
import { LabError } from '@contract/lab-error'
import { EXIT_OK, printJson, say } from '../output'
import { call, linkFor, need, type CliArgs } from './context'

export async function exportCommand(a: CliArgs): Promise<number> {
  const what = need(a, 0, 'compose')
  if (what !== 'compose') throw new LabError('BAD_INPUT', `racklab export: "${what}" is not something it exports (compose)`)
  const link = await linkFor(a)
  try {
    const c = await call(link, 'lab.compose')
    if (a.json) printJson(c)
    else {
      process.stdout.write(c.yaml)
      if (c.skipped.length) say(`left out: ${c.skipped.join(', ')}`)
    }
    return EXIT_OK
  } finally {
    link.close()
  }
}
