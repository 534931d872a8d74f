// Labs no longer collide (a lab whose subnets are taken is relocated), but the tier tests assert the topology's
// own addresses (10.231.x), which their lab gets only while no other lab holds them. So before the integration
// or e2e tests start, wait (bounded) until no other lab's network overlaps the topology's subnets, and say so.
// RACKLAB_TEST_ANY_SUBNETS=1 skips the wait, for test files that read their labs' addresses (two-labs.test.ts).
import Docker from 'dockerode'
import { TEST_LAB } from './helpers'

/** 10.231.0.0/16: nyi-2007's int, ext and wan */
const OWN_BLOCK = /^10\.231\./

export async function waitForOtherLabs(timeoutMs = 20 * 60_000): Promise<void> {
  if (process.env.RACKLAB_TEST_ANY_SUBNETS === '1') return
  const docker = new Docker()
  const deadline = Date.now() + timeoutMs
  let said = false
  for (;;) {
    const nets = await docker.listNetworks({ filters: { label: ['racklab.lab'] } })
    const others = new Set(
      nets
        .filter((n) => n.Labels?.['racklab.lab'] !== TEST_LAB && (n.IPAM?.Config ?? []).some((c) => OWN_BLOCK.test(c.Subnet ?? '')))
        .map((n) => n.Labels?.['racklab.lab'])
        .filter((l): l is string => !!l),
    )
    if (!others.size) return
    if (Date.now() > deadline) throw new Error(`other racklab labs still hold the topology's subnets 10.231.x (${[...others].join(', ')}); run racklab down for them`)
    if (!said) process.stderr.write(`waiting for other racklab labs to release 10.231.x: ${[...others].join(', ')}\n`)
    said = true
    await new Promise((r) => setTimeout(r, 5000))
  }
}

export default async function setup(): Promise<void> {
  await waitForOtherLabs()
}
