// The ceiling: each plugin called directly in plain Node with a plain-JS meta (in-memory cache),
// and the same with the event JSON-copied in and out — the unavoidable cost of any boundary.
import type { PluginEvent } from '../common/plugin/event.ts'
import { compileToCommonJs, createMeta, type PluginMetaForBench } from './plugin-code.ts'
import type { BenchContext, BenchPlugin, BenchSection, ThroughputVariant } from './section.ts'

type PluginFn = (...args: unknown[]) => unknown

interface DirectPlugin {
  processEvent: (event: PluginEvent, meta: PluginMetaForBench) => unknown
  meta: PluginMetaForBench
}

/** Evaluates the CommonJS script in this very context, exports found as PostHog finds them. */
export async function loadDirect(plugin: BenchPlugin): Promise<DirectPlugin> {
  const module = { exports: {} as Record<string, unknown> }
  new Function('module', 'exports', compileToCommonJs(plugin))(module, module.exports)
  const destinations = [module.exports, module.exports.default as Record<string, unknown> | undefined].filter((d) => d && typeof d === 'object') as Record<string, unknown>[]
  const get = (name: string) => destinations.find((d) => d[name])?.[name] as PluginFn | undefined
  const meta = createMeta(plugin)
  await get('setupPlugin')?.(meta)
  const processEvent = get('processEvent')
  if (!processEvent) throw new Error(`${plugin.id}: no processEvent`)
  return { processEvent: processEvent as DirectPlugin['processEvent'], meta }
}

const section: BenchSection = {
  title: 'Direct call in plain Node (the ceiling)',
  order: 10,
  async variants(context: BenchContext) {
    const variants: ThroughputVariant[] = []
    for (const plugin of context.plugins) {
      const direct = await loadDirect(plugin)
      variants.push({
        plugin: plugin.id,
        variant: 'direct',
        fresh: true,
        async process(events) {
          for (const event of events) await direct.processEvent(event, direct.meta)
        },
      })
      const copied = await loadDirect(plugin)
      variants.push({
        plugin: plugin.id,
        variant: 'direct+JSON',
        fresh: false,
        async process(events) {
          for (const event of events) {
            const output = await copied.processEvent(JSON.parse(JSON.stringify(event)), copied.meta)
            if (output) JSON.parse(JSON.stringify(output))
          }
        },
      })
    }
    return { variants }
  },
}

export default section
