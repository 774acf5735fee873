// meta.utils.cursor: PostHog keeps cursors in posthog_pluginstorage next to meta.storage (same keys),
// init = INSERT … ON CONFLICT DO NOTHING, increment = upsert value::numeric + by RETURNING value.
import { checkStorageKey } from './storage-store.ts'
import type { StorageStore } from './storage-store.ts'

export interface Cursor {
  init(key: string, initialValue?: number): Promise<void>
  increment(key: string, incrementBy?: number): Promise<number>
}

export function createCursor(storage: StorageStore): Cursor {
  return {
    async init(key, initialValue = 0) {
      if (typeof initialValue !== 'number') throw new Error("The cursor's initial value must be a number!")
      const checked = checkStorageKey(String(key))
      await storage.update((map) => {
        if (!map.has(checked)) map.set(checked, JSON.stringify(initialValue))
      })
    },
    async increment(key, incrementBy = 1) {
      // Postgres would refuse a non-numeric parameter; say so in plain words.
      if (typeof incrementBy !== 'number' || !Number.isFinite(incrementBy)) {
        throw new Error(`The cursor's increment must be a finite number, not ${String(incrementBy)}`)
      }
      const checked = checkStorageKey(String(key))
      // The whole read-add-write runs inside one update: concurrent increments never lose a step.
      return storage.update((map) => {
        const stored = map.get(checked)
        let current = 0
        if (stored !== undefined) {
          const parsed: unknown = JSON.parse(stored)
          current = typeof parsed === 'number' ? parsed : typeof parsed === 'string' && parsed.trim() !== '' ? Number(parsed) : NaN
          if (Number.isNaN(current)) throw new Error(`The cursor "${checked}" holds ${stored}, which is not a number`)
        }
        const next = stored === undefined ? incrementBy : current + incrementBy
        map.set(checked, JSON.stringify(next))
        return next
      })
    },
  }
}
