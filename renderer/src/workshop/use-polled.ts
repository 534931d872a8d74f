// A workshop view's data, fetched on mount and every `everyMs` until unmounted; the last failure's message
// instead of the data going stale silently. One place for the student strip and the trainer's dashboard.
import { onMounted, onUnmounted, ref, type Ref } from 'vue'

export function usePolled<T>(fetch: () => Promise<T>, everyMs: number): { data: Ref<T | null>; error: Ref<string | null>; load: () => Promise<void> } {
  const data = ref<T | null>(null) as Ref<T | null>
  const error = ref<string | null>(null)
  let timer: ReturnType<typeof setInterval> | undefined
  async function load(): Promise<void> {
    try {
      data.value = await fetch()
      error.value = null
    } catch (e) {
      error.value = (e as Error).message
    }
  }
  onMounted(() => {
    void load()
    timer = setInterval(() => void load(), everyMs)
  })
  onUnmounted(() => clearInterval(timer))
  return { data, error, load }
}
