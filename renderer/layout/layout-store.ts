// Pane sizes, remembered in localStorage across launches.
import { createStore } from '../state/store.ts'

export interface LayoutSizes {
  filesWidth: number
  sideWidth: number
  outputHeight: number
  configHeight: number
}

const KEY = 'plugin-studio:layout'
const DEFAULTS: LayoutSizes = { filesWidth: 240, sideWidth: 370, outputHeight: 280, configHeight: 280 }
export const LIMITS: Record<keyof LayoutSizes, [number, number]> = {
  filesWidth: [160, 600],
  sideWidth: [240, 800],
  outputHeight: [80, 900],
  configHeight: [80, 900],
}

function load(): LayoutSizes {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<LayoutSizes>
    const sizes = { ...DEFAULTS }
    for (const key of Object.keys(DEFAULTS) as (keyof LayoutSizes)[]) {
      if (typeof saved[key] === 'number' && Number.isFinite(saved[key])) sizes[key] = clamp(key, saved[key])
    }
    return sizes
  } catch {
    return { ...DEFAULTS }
  }
}

export function clamp(key: keyof LayoutSizes, value: number): number {
  const [min, max] = LIMITS[key]
  return Math.round(Math.min(max, Math.max(min, value)))
}

export const layout = createStore<LayoutSizes>(load())

layout.subscribe(() => {
  try {
    localStorage.setItem(KEY, JSON.stringify(layout.get()))
  } catch {}
})
