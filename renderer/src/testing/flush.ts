// Lets pending promise chains (store refreshes, call replies) settle before the test looks.
import { nextTick } from 'vue'

export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

/** a few rounds of replies and re-renders: a reply that starts another request (a refresh after a change) settles too */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await flush()
    await nextTick()
  }
}
