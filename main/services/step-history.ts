// The state after each step of a Debugger run, kept for time travel. Snapshots are stored as JSON
// text (a step that changed nothing shares its predecessor's text) within a budget of bytes and
// snapshots; past it the oldest go first, and asking for one of those says it is no longer kept.
import type { PipelineState } from '../../common/protocol/studio.ts'

/** 64 MB of snapshot text: about 1,000 Run all batches of a pipeline keeping ~60 kB of cache and storage. */
export const DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024
export const DEFAULT_HISTORY_SNAPSHOTS = 5000

export class StepHistory {
  private readonly maxBytes: number
  private readonly maxSnapshots: number
  private readonly snapshots = new Map<number, string>()
  private nextId = 1
  private bytes = 0
  private last: string | null = null

  constructor(options: { maxBytes?: number; maxSnapshots?: number } = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_HISTORY_BYTES
    this.maxSnapshots = options.maxSnapshots ?? DEFAULT_HISTORY_SNAPSHOTS
  }

  /** Keeps `state`; returns its id. */
  record(state: PipelineState): number {
    const text = JSON.stringify(state)
    // The same text as the step before: one string shared, counted once.
    const shared = text === this.last
    const kept = shared ? this.last! : text
    const id = this.nextId++
    this.snapshots.set(id, kept)
    if (!shared) this.bytes += kept.length
    this.last = kept
    this.evict()
    return id
  }

  get(id: number): PipelineState {
    const text = this.snapshots.get(id)
    if (text === undefined) {
      if (Number.isInteger(id) && id > 0 && id < this.nextId) {
        throw new Error(`The state after that step is no longer kept: the studio keeps the latest ${this.maxSnapshots.toLocaleString('en')} steps within ${Math.round(this.maxBytes / 1024 / 1024)} MB (oldest kept: step ${this.oldest() ?? '–'})`)
      }
      throw new Error(`No step ${String(id)} in this run (Reset forgets them)`)
    }
    return JSON.parse(text) as PipelineState
  }

  /** How many snapshots and bytes are kept (for tests and the bench). */
  get size(): { snapshots: number; bytes: number } {
    return { snapshots: this.snapshots.size, bytes: this.bytes }
  }

  clear(): void {
    this.snapshots.clear()
    this.bytes = 0
    this.last = null
  }

  private oldest(): number | null {
    for (const id of this.snapshots.keys()) return id
    return null
  }

  private evict(): void {
    while (this.snapshots.size > 1 && (this.bytes > this.maxBytes || this.snapshots.size > this.maxSnapshots)) {
      const id = this.oldest()!
      const text = this.snapshots.get(id)!
      this.snapshots.delete(id)
      // Shared text is counted once: only when no other snapshot holds it does it stop counting.
      const next = this.snapshots.values().next().value
      if (next !== text) this.bytes -= text.length
    }
  }
}
