// The shell's geometry, remembered per user (localStorage, one key): left tree and right inspector widths,
// the dock's height and open tab, and the centre pane's view. Sizes are clamped so a window from 1280×720 to 4K always keeps the centre.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

export const LAYOUT_KEY = 'racklab.layout.v1'
export const DOCK_TABS = ['console', 'logs', 'journal', 'health', 'scenarios'] as const
export type DockTab = (typeof DOCK_TABS)[number]
/** what the centre pane shows: the 3D site, the 2D rack elevation (front or back), or the service map */
export const CENTRE_VIEWS = ['3d', 'front', 'back', 'map'] as const
export type CentreView = (typeof CENTRE_VIEWS)[number]

export interface LayoutSizes {
  /** px */
  left: number
  right: number
  dock: number
  tab: DockTab
  view: CentreView
}

export const DEFAULT_LAYOUT: LayoutSizes = { left: 300, right: 420, dock: 260, tab: 'health', view: '3d' }
export const LIMITS = { left: [180, 640], right: [280, 800], dock: [120, 900] } as const

const clamp = (v: unknown, [lo, hi]: readonly [number, number], fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : fallback)

/** what was saved, each field checked on its own: a bad or old value falls back to its default alone */
export function loadLayout(storage: Pick<Storage, 'getItem'> | undefined): LayoutSizes {
  let saved: Partial<Record<keyof LayoutSizes, unknown>> = {}
  try {
    const raw = storage?.getItem(LAYOUT_KEY)
    if (raw) saved = JSON.parse(raw) as typeof saved
  } catch {
    saved = {} // unreadable JSON: start from the defaults
  }
  return {
    left: clamp(saved.left, LIMITS.left, DEFAULT_LAYOUT.left),
    right: clamp(saved.right, LIMITS.right, DEFAULT_LAYOUT.right),
    dock: clamp(saved.dock, LIMITS.dock, DEFAULT_LAYOUT.dock),
    tab: DOCK_TABS.includes(saved.tab as DockTab) ? (saved.tab as DockTab) : DEFAULT_LAYOUT.tab,
    view: CENTRE_VIEWS.includes(saved.view as CentreView) ? (saved.view as CentreView) : DEFAULT_LAYOUT.view,
  }
}

const storage = (): Storage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage)

export const useLayoutStore = defineStore('layout', () => {
  const initial = loadLayout(storage())
  const left = ref(initial.left)
  const right = ref(initial.right)
  const dock = ref(initial.dock)
  const tab = ref<DockTab>(initial.tab)
  const view = ref<CentreView>(initial.view)

  function resize(pane: 'left' | 'right' | 'dock', px: number): void {
    const target = { left, right, dock }[pane]
    target.value = clamp(px, LIMITS[pane], target.value)
  }

  /** saved on every change of the tab and at the end of a drag (save() from the splitter) */
  function save(): void {
    try {
      storage()?.setItem(LAYOUT_KEY, JSON.stringify({ left: left.value, right: right.value, dock: dock.value, tab: tab.value, view: view.value }))
    } catch {
      // storage full or denied (private window): the layout simply is not remembered
    }
  }
  watch([tab, view], save)

  return { left, right, dock, tab, view, resize, save }
})
