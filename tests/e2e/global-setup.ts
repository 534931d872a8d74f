// e2e files share one test lab (each brings up what it needs, idempotently); take it down once at the end.
import { racklab } from '../integration/helpers'

export default function setup(): () => Promise<void> {
  return async () => {
    await racklab(['down', '--volumes'])
  }
}
