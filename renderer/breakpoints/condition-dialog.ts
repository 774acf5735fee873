// The small dialog for a breakpoint's condition, opened from the editor's context menu (outside React:
// the editor's actions run outside it too). The breakpoints pane renders it from this store.
import { createStore } from '../state/store.ts'

export interface ConditionRequest {
  file: string
  line: number
  condition: string
}

export const conditionStore = createStore<{ request: ConditionRequest | null; onSave: ((condition: string) => Promise<void>) | null }>({ request: null, onSave: null })

export function openConditionDialog(request: ConditionRequest, onSave: (condition: string) => Promise<void>): void {
  conditionStore.set({ request, onSave })
}

export function closeConditionDialog(): void {
  conditionStore.set({ request: null, onSave: null })
}
