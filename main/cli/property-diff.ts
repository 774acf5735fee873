// A property-level diff of an event before and after the pipeline, from jsondiffpatch's delta:
// one line per added, removed or changed path (arrays are shown as whole values).
import { create } from 'jsondiffpatch'

export interface PropertyChange {
  kind: 'added' | 'removed' | 'changed'
  /** e.g. `properties.$browser`, `properties["utm source"]`, `ip`. */
  path: string
  before?: unknown
  after?: unknown
}

const differ = create({ arrays: { detectMove: false } })

export function diffEvents(before: unknown, after: unknown): PropertyChange[] {
  const delta = differ.diff(before, after)
  const changes: PropertyChange[] = []
  if (delta !== undefined) walk(delta, [], before, after, changes)
  return changes
}

function walk(delta: unknown, path: string[], before: unknown, after: unknown, out: PropertyChange[]): void {
  if (Array.isArray(delta)) {
    if (delta.length === 1) leaves('added', path, delta[0], out)
    else if (delta.length === 2) out.push({ kind: 'changed', path: render(path), before: delta[0], after: delta[1] })
    else if (delta.length === 3 && delta[2] === 0) leaves('removed', path, delta[0], out)
    else out.push({ kind: 'changed', path: render(path), before, after })
    return
  }
  if (!delta || typeof delta !== 'object') return
  const object = delta as Record<string, unknown>
  if (object._t === 'a') {
    out.push({ kind: 'changed', path: render(path), before, after })
    return
  }
  for (const key of Object.keys(object)) walk(object[key], [...path, key], child(before, key), child(after, key), out)
}

/** A whole object added or removed (e.g. `properties` on an event that had none) is listed key by key. */
function leaves(kind: 'added' | 'removed', path: string[], value: unknown, out: PropertyChange[]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) leaves(kind, [...path, key], inner, out)
    return
  }
  out.push(kind === 'added' ? { kind, path: render(path), after: value } : { kind, path: render(path), before: value })
}

function child(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
}

function render(path: string[]): string {
  return path.map((key, i) => (/^[A-Za-z_$][\w$]*$/.test(key) ? (i === 0 ? key : `.${key}`) : `[${JSON.stringify(key)}]`)).join('')
}
