// The real runtime through the real runtime process (main/services/runner): each plugin loaded
// alone in its own runtime process, events sent one per processEvents call (per-event), and all in
// one call that crosses into the isolate BATCH_SIZE at a time (batched).
import type { PluginEvent } from '../common/plugin/event.ts'
import { EVENTS_PER_CHUNK } from '../common/protocol/runtime.ts'
import { Runner } from '../main/services/runner/runner.ts'
import { ratioTarget, type AllResults, type BenchContext, type BenchSection, type Target, type ThroughputVariant } from './section.ts'

export const BATCH_SIZE = EVENTS_PER_CHUNK
/** One call per event costs the same for every event: a slice keeps the bench short. */
const PER_EVENT_SAMPLE = 500
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
          async process(events) {
            for (const event of events) await runner.processEvents([event])
          },
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
