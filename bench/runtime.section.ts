// The real runtime through the real runtime process (main/services/runner): each plugin loaded
// alone in its own runtime process, events sent one per processEvents call (per-event: a stream of
// calls, as an event consumer sends them; each event crosses into the isolate alone), and all in
// one call that crosses into the isolate BATCH_SIZE at a time (batched). The latency of one awaited
// call is a figure of its own.
import type { PluginEvent } from '../common/plugin/event.ts'
import { EVENTS_PER_CHUNK } from '../common/protocol/runtime.ts'
import { Runner } from '../main/services/runner/runner.ts'
import { median } from './measure.ts'
import { ratioTarget, type AllResults, type BenchContext, type BenchSection, type Target, type ThroughputVariant } from './section.ts'

export const BATCH_SIZE = EVENTS_PER_CHUNK
/** One call per event costs the same for every event: a slice keeps the bench short. */
const PER_EVENT_SAMPLE = 500
/** Per-event calls on their way at once (a consumer does not wait for one event before sending the next). */
const PER_EVENT_WINDOW = 64
/** Awaited one-event calls timed for the latency figure. */
const LATENCY_CALLS = 300

/** One processEvents call per event, up to `window` calls on their way (the runtime runs them in the order sent); resolves when all have answered. */
export async function streamOneByOne(runner: Runner, events: readonly PluginEvent[], window: number): Promise<void> {
  const inFlight = new Set<Promise<unknown>>()
  for (const event of events) {
    const call = runner.processEvents([event]).finally(() => inFlight.delete(call))
    inFlight.add(call)
    if (inFlight.size >= window) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
}
export const RUNTIME_OPTIONS = { timeoutMs: 30_000, memoryMb: 128, teamId: 2 }

const section: BenchSection = {
  title: 'The runtime: isolated-vm in the runtime process, through the Runner',
  order: 30,
  async variants(context: BenchContext) {
    const runners: Runner[] = []
    const variants: ThroughputVariant[] = []
    try {
      for (const plugin of context.plugins) {
        const runner = await Runner.start()
        runners.push(runner)
        const { setup } = await runner.load({ plugins: [{ id: plugin.id, dir: plugin.dir, config: plugin.config, attachments: {} }], options: RUNTIME_OPTIONS })
        if (setup[0]?.error) throw new Error(`${plugin.id} failed to load in the runtime: ${setup[0].error}`)
        const check = await runner.processEvents(context.events.slice(0, 20) as PluginEvent[])
        const failed = check.find((r) => r.error !== null)
        if (failed) throw new Error(`${plugin.id} errs in the runtime: ${failed.error}`)
        variants.push({
          plugin: plugin.id,
          variant: 'runtime per-event',
          fresh: false,
          events: context.events.slice(0, PER_EVENT_SAMPLE),
          process: (events) => streamOneByOne(runner, events, PER_EVENT_WINDOW),
        })
        variants.push({
          plugin: plugin.id,
          variant: 'runtime batched',
          fresh: false,
          // One call: the runner sends the events in chunks of BATCH_SIZE (one crossing into the isolate
          // each), two chunks on their way at once, as the CLI and the studio's Run all do.
          async process(events) {
            await runner.processEvents(events as PluginEvent[])
          },
        })
      }
    } catch (error) {
      await Promise.all(runners.map((r) => r.close()))
      throw error
    }
    return { variants, close: async () => void (await Promise.all(runners.map((r) => r.close()))) }
  },
  async run(context: BenchContext) {
    const plugin = context.plugins.find((p) => p.id === 'enrich-account') ?? context.plugins[0]
    const runner = await Runner.start()
    try {
      await runner.load({ plugins: [{ id: plugin.id, dir: plugin.dir, config: plugin.config, attachments: {} }], options: RUNTIME_OPTIONS })
      const events = context.events.slice(0, context.quick ? LATENCY_CALLS / 3 : LATENCY_CALLS) as PluginEvent[]
      for (const event of events) await runner.processEvents([event])
      const times: number[] = []
      for (const event of events) {
        const started = performance.now()
        await runner.processEvents([event])
        times.push((performance.now() - started) * 1000)
      }
      return { figures: [{ name: `one-event call, awaited (${plugin.id})`, value: median(times), unit: 'µs', detail: `median of ${times.length} processEvents([event]) calls, each awaited before the next: IPC round trip + one isolate crossing` }] }
    } finally {
      await runner.close()
    }
  },
  targets(all: AllResults): Target[] {
    return [
      ...ratioTarget(all, 'enrichment batched ≥ 4.5× vm2', 'enrich-account', 'runtime batched', 'vm2', 4.5),
      ...ratioTarget(all, 'enrichment batched ≥ 1.0× direct+JSON', 'enrich-account', 'runtime batched', 'direct+JSON', 1.0),
      ...ratioTarget(all, 'enrichment per-event ≥ 3× vm2', 'enrich-account', 'runtime per-event', 'vm2', 3),
      ...ratioTarget(all, 'URL plugin batched ≥ 0.8× direct+JSON', 'url-normalise', 'runtime batched', 'direct+JSON', 0.8),
    ]
  },
}

export default section
