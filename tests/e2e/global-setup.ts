// e2e files share one test lab (each brings up what it needs, idempotently); take it down once at the end.
import { waitForOtherLabs } from '../integration/global-setup'
import { racklab } from '../integration/helpers'

export default async function setup(): Promise<() => Promise<void>> {
  await waitForOtherLabs()
  return async () => {
    await racklab(['down', '--volumes'])
  }
}
