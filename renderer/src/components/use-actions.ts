// The engine's actions for one target (`actions.list`), reloaded when the target or the lab changes, and run on
// request. A refused action or a missing hardware model shows the engine's own words, never a guess.
import { onBeforeUnmount, ref, watch, type Ref } from 'vue'
import type { ActionInfo } from '@contract/status'
import { describeError } from '../client/client-error'
import { useCallsStore } from '../stores/calls'
import { useLabStore } from '../stores/lab'

export interface ActionOutcome {
  ok: boolean
  text: string
}

export interface UseActions {
  actions: Ref<ActionInfo[]>
  /** false until the engine first answered for this target: an empty list before that is not "no actions" */
  loaded: Ref<boolean>
  loadError: Ref<string | null>
  busy: Ref<string | null>
  outcome: Ref<ActionOutcome | null>
  run(a: ActionInfo, args?: Record<string, string>): Promise<void>
  load(): Promise<void>
}

export function useActions(target: () => string | null): UseActions {
  const calls = useCallsStore()
  const lab = useLabStore()
  const actions = ref<ActionInfo[]>([])
  const loaded = ref(false)
  const loadError = ref<string | null>(null)
  const busy = ref<string | null>(null)
  const outcome = ref<ActionOutcome | null>(null)
  let seq = 0
  let inFlight: Promise<void> | null = null
  let again = false
  let timer: ReturnType<typeof setTimeout> | null = null

  /** one actions.list for the target of now; its answer is dropped when the target changed or the view went */
  async function loadOnce(): Promise<void> {
    const t = target()
    const mine = seq
    if (!t) {
      actions.value = []
      return
    }
    try {
      const list = await calls.call('actions.list', { target: t })
      if (mine !== seq) return
      actions.value = list
      loadError.value = null
    } catch (e) {
      if (mine !== seq) return
      actions.value = []
      loadError.value = describeError(e)
    }
    loaded.value = true
  }

  /**
   * Never two lists in flight for one view: a request while one runs asks for one more after it. (Dropping the
   * older answer instead starves the view when listing takes longer than the lab publishes changes: a backup
   * server's actions read its backups, seconds, while the hardware publishes every 2 s.)
   */
  function load(): Promise<void> {
    if (inFlight) {
      again = true
      return inFlight
    }
    inFlight = (async () => {
      try {
        do {
          again = false
          await loadOnce()
        } while (again)
      } finally {
        inFlight = null
      }
    })()
    return inFlight
  }

  async function run(a: ActionInfo, args: Record<string, string> = {}): Promise<void> {
    const t = target()
    if (!t || busy.value) return
    busy.value = a.id
    try {
      const r = await calls.call('actions.run', { target: t, action: a.id, ...(Object.keys(args).length ? { args } : {}) })
      outcome.value = { ok: true, text: r.text }
    } catch (e) {
      outcome.value = { ok: false, text: describeError(e) }
    } finally {
      busy.value = null
      void load()
    }
  }

  watch(
    [target, () => calls.client],
    () => {
      outcome.value = null
      loaded.value = false
      seq++ // an answer for the previous target is not this one's
      void load()
    },
    { immediate: true },
  )
  // whether an action is possible changes with the hardware: reload after each lab snapshot, at most 4 per second
  watch(
    () => lab.status,
    () => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => void load(), 250)
    },
  )
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer)
    seq++
    again = false
  })

  return { actions, loaded, loadError, busy, outcome, run, load }
}
