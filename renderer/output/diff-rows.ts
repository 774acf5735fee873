// The event before/after as property-level rows (added, removed, changed), computed with jsondiffpatch.
import { create, type Delta } from 'jsondiffpatch'

export type DiffKind = 'added' | 'removed' | 'changed'

export interface DiffRow {
  /** e.g. `properties.$browser`, `properties.tags[2]`, `$set["first name"]`. */
  path: string
  kind: DiffKind
  before?: unknown
  after?: unknown
}

// The plain build has no text-diff library: a changed string is one "changed" row, not a character diff.
const differ = create({
  arrays: { detectMove: false, includeValueOnMove: false },
})

function join(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base ? `${base}.${key}` : key
  return `${base}[${JSON.stringify(key)}]`
}

function walk(delta: Delta, path: string, rows: DiffRow[]): void {
  if (delta === undefined) return
  if (Array.isArray(delta)) {
    if (delta.length === 1) rows.push({ path, kind: 'added', after: delta[0] })
    else if (delta.length === 2) rows.push({ path, kind: 'changed', before: delta[0], after: delta[1] })
    else if (delta.length === 3 && delta[2] === 0) rows.push({ path, kind: 'removed', before: delta[0] })
    return
  }
  const object = delta as Record<string, Delta>
  if (object._t === ('a' as unknown)) {
    // Array delta: "_n" = removed from the old array at n, "n" = added/changed at n in the new one.
    const removed: DiffRow[] = []
    const other: DiffRow[] = []
    for (const key of Object.keys(object)) {
      if (key === '_t') continue
      if (key.startsWith('_')) walk(object[key], join(path, Number(key.slice(1))), removed)
      else walk(object[key], join(path, Number(key)), other)
    }
    rows.push(...removed, ...other)
    return
  }
  for (const key of Object.keys(object)) walk(object[key], join(path, key), rows)
}

/** Rows in the order the properties appear; an empty list when the events are equal. */
export function diffRows(before: unknown, after: unknown): DiffRow[] {
  const rows: DiffRow[] = []
  walk(differ.diff(before, after), '', rows)
  return rows
}

/** How a value is shown in a row: JSON, but strings unquoted when they are plain text. */
export function formatValue(value: unknown): string {
  if (value === undefined) return ''
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text
}
