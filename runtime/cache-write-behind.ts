// The embedded cache's write-behind. A plugin's isolate answers its own cache reads while nobody else
// writes (runtime/sandbox/meta.isolate.ts), so the store needs a task's writes only before someone
// else reads it: the next host read, the state inspector, the clock moving, an unload. Until then
// they wait here, coalesced (a run of INCRs of a key becomes one INCRBY; a SET drops the key's
// earlier writes), and go in one round trip when the runtime is idle — not between the chunks of a
// run, where they would cost more than the plugin.
import type { CacheWrite } from './sandbox/plugin-isolate.ts'

/** Waiting writes past this many go at once: memory stays bounded on long runs. */
const MAX_WAITING = 10_000
/** How long the runtime must be idle before the writes go (a pipelined run's next chunk comes sooner). */
const IDLE_MS = 5

export class CacheWriteBehind {
  private waiting: CacheWrite[] = []
  private timer: NodeJS.Timeout | null = null
  private writing: Promise<void> = Promise.resolve()
  private readonly apply: (writes: CacheWrite[]) => Promise<void>

  /** `apply` writes to the store and reports failures itself. */
  constructor(apply: (writes: CacheWrite[]) => Promise<void>) {
    this.apply = apply
  }

  defer(writes: CacheWrite[]): void {
    for (const w of writes) this.waiting.push(w)
    if (this.waiting.length >= MAX_WAITING) {
      void this.flush()
      return
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), IDLE_MS)
      this.timer.unref()
    }
  }

  /** More work is starting: the idle flush waits; a flush under way is waited for. */
  async busy(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    await this.writing
  }

  /** Everything deferred is in the store when this resolves. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    if (this.waiting.length > 0) {
      const writes = coalesceWrites(this.waiting)
      this.waiting = []
      this.writing = this.writing.then(() => this.apply(writes))
    }
    return this.writing
  }
}

/**
 * Fewer writes with the same end state: consecutive INCRs of a key (no other write of it between)
 * become one INCRBY, and a SET, which replaces a key's value and TTL, drops the key's earlier writes.
 */
export function coalesceWrites(writes: readonly CacheWrite[]): CacheWrite[] {
  const out: (CacheWrite | null)[] = []
  const ofKey = new Map<string, number[]>()
  const incrAt = new Map<string, number>()
  for (const write of writes) {
    const key = String(write.args[0])
    if (write.op === 'set') {
      for (const i of ofKey.get(key) ?? []) out[i] = null
      ofKey.set(key, [out.length])
      incrAt.delete(key)
      out.push(write)
      continue
    }
    if (write.op === 'incr' || write.op === 'incrby') {
      const at = incrAt.get(key)
      if (at !== undefined) {
        out[at] = { op: 'incrby', args: [key, amount(out[at]!) + amount(write)] }
        continue
      }
      incrAt.set(key, out.length)
    } else incrAt.delete(key)
    const list = ofKey.get(key)
    if (list) list.push(out.length)
    else ofKey.set(key, [out.length])
    out.push(write)
  }
  return out.filter((w): w is CacheWrite => w !== null)
}

function amount(write: CacheWrite): number {
  return write.op === 'incr' ? 1 : Number(write.args[1])
}
