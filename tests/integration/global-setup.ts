// Labs share fixed subnets, so only one can exist at a time on an engine. Before the integration or e2e tests
// start, wait (bounded) for any other lab — a developer's, a parallel run's — to go down, and say so.
import Docker from 'dockerode'
import { TEST_LAB } from './helpers'

export async function waitForOtherLabs(timeoutMs = 20 * 60_000): Promise<void> {
  const docker = new Docker()
  const deadline = Date.now() + timeoutMs
  let said = false
  for (;;) {
    const others = new Set(
      (await docker.listNetworks({ filters: { label: ['racklab.lab'] } })).map((n) => n.Labels?.['racklab.lab']).filter((l): l is string => !!l && l !== TEST_LAB),
    )
    if (!others.size) return
    if (Date.now() > deadline) throw new Error(`other racklab labs are still up (${[...others].join(', ')}); run racklab down for them`)
    if (!said) process.stderr.write(`waiting for other racklab labs to go down: ${[...others].join(', ')}\n`)
    said = true
    await new Promise((r) => setTimeout(r, 5000))
  }
}

export default async function setup(): Promise<void> {
  await waitForOtherLabs()
}
