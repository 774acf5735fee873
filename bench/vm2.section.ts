// PostHog's approach: the plugin in a vm2 VM as the 2022 plugin-server built it (vm.ts): the
// transpiled CommonJS wrapped in `const module = {exports:{}}; let exports = {};`, host objects
// frozen into the sandbox (console, URL, meta…), exports found on exports / exports.default /
// module.exports, meta appended as the last argument, each method raced against the task timeout
// by the host's async guard. (PostHog's Babel step also guarded every `await`; not done here, so
// this figure is, if anything, kind to vm2.)
import { randomBytes } from 'node:crypto'
import { VM } from 'vm2'
import type { PluginEvent } from '../common/plugin/event.ts'
import { compileToCommonJs, createMeta } from './plugin-code.ts'
import type { BenchContext, BenchPlugin, BenchSection, ThroughputVariant } from './section.ts'

const TASK_TIMEOUT_MS = 30_000

/** The host side of PostHog's __asyncGuard: a promise raced against a timer. */
async function asyncGuard(promise: unknown, name: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Script execution timed out after promise waited for 30 seconds (${name})`)), TASK_TIMEOUT_MS)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

const quietConsole = { log() {}, info() {}, debug() {}, warn() {}, error() {} }

export async function loadVm2(plugin: BenchPlugin): Promise<(event: PluginEvent) => Promise<unknown>> {
  const vm = new VM({ timeout: TASK_TIMEOUT_MS + 1, sandbox: {} })
  vm.freeze(quietConsole, 'console')
  vm.freeze(URL, 'URL')
  vm.freeze(URLSearchParams, 'URLSearchParams')
  vm.freeze(createMeta(plugin), '__pluginHostMeta')
  vm.freeze(asyncGuard, '__asyncGuard')
  const responseVar = `__pluginDetails${randomBytes(64).toString('hex')}`
  vm.run(`
    const module = { exports: {} };
    let exports = {};
    ${compileToCommonJs(plugin)};
    const __pluginMeta = { ...__pluginHostMeta, global: {} };
    const __destinations = [exports, exports.default, module.exports].filter((d) => typeof d === 'object' && d !== null);
    if (__destinations.every((d) => Object.keys(d).length === 0)) __destinations.push(globalThis);
    const __getExported = (key) => __destinations.find((d) => d[key])?.[key];
    const __bindMeta = (key) => { const f = __getExported(key); return f ? (...args) => f(...args, __pluginMeta) : undefined };
    const __asyncFunctionGuard = (f, name) => (f ? function guarded(...args) { return __asyncGuard(f(...args), name) } : f);
    globalThis.${responseVar} = {
      setupPlugin: __asyncFunctionGuard(__bindMeta('setupPlugin'), 'setupPlugin'),
      processEvent: __asyncFunctionGuard(__bindMeta('processEvent'), 'processEvent'),
    };
  `)
  const methods = vm.run(responseVar) as { setupPlugin?: () => Promise<unknown>; processEvent?: (event: PluginEvent) => Promise<unknown> }
  await methods.setupPlugin?.()
  if (!methods.processEvent) throw new Error(`${plugin.id}: no processEvent`)
  return methods.processEvent
}

const section: BenchSection = {
  title: "PostHog's approach: vm2 3.9.19 as the 2022 plugin-server used it",
  order: 20,
  async variants(context: BenchContext) {
    const variants: ThroughputVariant[] = []
    for (const plugin of context.plugins) {
      const processEvent = await loadVm2(plugin)
      variants.push({
        plugin: plugin.id,
        variant: 'vm2',
        fresh: true,
        async process(events) {
          for (const event of events) await processEvent(event)
        },
      })
    }
    return { variants }
  },
}

export default section
