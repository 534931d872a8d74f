// A reactive wall clock that ticks once a second while some component uses it: ages ("12 s ago") re-render
// without each row owning a timer.
import { onScopeDispose, ref, type Ref } from 'vue'

const now = ref(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | undefined

export function useNow(): Readonly<Ref<number>> {
  if (users++ === 0) timer = setInterval(() => (now.value = Date.now()), 1000)
  now.value = Date.now()
  onScopeDispose(() => {
    if (--users === 0) clearInterval(timer)
  })
  return now
}

/** "now", "8 s ago", "3 min ago", "2 h ago" */
export function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 2) return 'now'
  if (s < 90) return `${s} s ago`
  const m = Math.round(s / 60)
  if (m < 90) return `${m} min ago`
  return `${Math.round(m / 60)} h ago`
}
