// An event on its way through the pipeline, as JSON text, as an object, or both. Events cross the
// process boundary and the isolates as JSON text; the host parses one only when it must look inside
// (onEvent, the export buffer, a captured event), so a processEvent-only pipeline never does.
import type { PluginEvent } from '../common/plugin/event.ts'

export class EventValue {
  private text: string | undefined
  private value: PluginEvent | undefined
  /** An event of a chunk: its object comes from parsing the whole chunk, once, when first needed. */
  private readonly chunk: { chunk: EventChunk; index: number } | undefined

  private constructor(text: string | undefined, value: PluginEvent | undefined, chunk?: { chunk: EventChunk; index: number }) {
    this.text = text
    this.value = value
    this.chunk = chunk
  }

  static fromJson(text: string): EventValue {
    return new EventValue(text, undefined)
  }

  static fromObject(value: PluginEvent): EventValue {
    return new EventValue(undefined, value)
  }

  static fromChunk(chunk: EventChunk, index: number): EventValue {
    return new EventValue(undefined, undefined, { chunk, index })
  }

  /** The event as an object (parsed once; treat it as read-only: the text is not updated). */
  get object(): PluginEvent {
    if (this.value === undefined) this.value = this.chunk ? this.chunk.chunk.objects()[this.chunk.index] : (JSON.parse(this.text!) as PluginEvent)
    return this.value
  }

  get json(): string {
    if (this.text === undefined) this.text = JSON.stringify(this.object)
    return this.text
  }
}

/** Events as the studio sends them: one JSON array text (common/protocol/runtime.ts EventBatch). */
export class EventChunk {
  readonly json: string
  readonly count: number
  private parsed: PluginEvent[] | undefined

  constructor(json: string, count: number) {
    this.json = json
    this.count = count
  }

  objects(): PluginEvent[] {
    if (this.parsed === undefined) {
      const parsed: unknown = JSON.parse(this.json)
      if (!Array.isArray(parsed) || parsed.length !== this.count) throw new Error(`A chunk of events must be a JSON array of ${this.count} events`)
      this.parsed = parsed as PluginEvent[]
    }
    return this.parsed
  }

  values(): EventValue[] {
    return Array.from({ length: this.count }, (_, i) => EventValue.fromChunk(this, i))
  }
}

/** Items for a sandbox task: one JSON array text made of the events' texts. */
export function jsonItems(events: readonly EventValue[]): { json: string; count: number } {
  let json = '['
  for (let i = 0; i < events.length; i++) json += (i === 0 ? '' : ',') + events[i].json
  return { json: `${json}]`, count: events.length }
}
