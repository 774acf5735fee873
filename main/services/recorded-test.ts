// "Save as test": a Debugger run of one plugin written as a jest test for the plugin's own
// `npm test`. Each event becomes a case that runs this plugin's processEvent (and onEvent) with the
// config, clock time and the cache/storage/global the earlier cases built up — as in the run — and
// expects the output and console lines the studio recorded. Uses @posthog/plugin-scaffold's test
// helpers (resetMeta, clone); the cache and storage are small in-memory stand-ins with PostHog's API.
import type { LogEntry, PluginEvent } from '../../common/plugin/event.ts'
import type { EventResult } from '../../common/protocol/runtime.ts'

export interface RecordedCase {
  name: string
  /** Virtual-clock time of the step (ISO). */
  time: string
  input: PluginEvent
  /** undefined: the plugin has no processEvent (only onEvent is checked). */
  output?: PluginEvent | null
  error?: string
  logs: { level: string; message: string }[]
  /** The final event handed to onEvent (null when dropped before it). */
  onEvent?: { event: PluginEvent; logs: { level: string; message: string }[]; error?: string }
}

export interface RecordedTestInput {
  pluginName: string
  /** The plugin's entry file name (index.ts, index.js, …), imported by the test. */
  entry: string
  language: 'ts' | 'js'
  config: Record<string, string>
  /** Config keys left out (secrets): the test reads them from PLUGIN_<KEY> environment variables. */
  secretKeys: string[]
  cases: RecordedCase[]
  recordedAt: string
}

/** The virtual clock's start (runtime/clock.ts), used when a step's time is unknown. */
export const CLOCK_START = '2022-08-12T00:00:00.000Z'

const consoleLines = (logs: LogEntry[]) => logs.filter((l) => l.source === 'CONSOLE').map((l) => ({ level: l.level, message: l.message }))

/** What one plugin did to each event of a run, as test cases (events the plugin never saw are left out). */
export function casesOf(plugin: string, results: EventResult[], times: (string | null)[] = []): RecordedCase[] {
  const cases: RecordedCase[] = []
  results.forEach((result, i) => {
    let current: PluginEvent | null = result.input
    let found: RecordedCase | null = null
    const name = `event ${i + 1}: ${result.input.event}`
    const time = times[i] ?? CLOCK_START
    for (const stage of result.stages) {
      if (stage.method === 'processEvent') {
        const before: PluginEvent | null = current
        const dropped = stage.output === null && !stage.error
        const after: PluginEvent | null = stage.output === undefined || (stage.output === null && stage.error) ? before : (stage.output ?? null)
        current = dropped ? null : after
        if (stage.plugin !== plugin || !before) continue
        found = { name, time, input: before, output: stage.error ? undefined : dropped ? null : after, logs: consoleLines(stage.logs) }
        if (stage.error) found.error = stage.errorDetail?.message ?? stage.error.split('\n')[0]
      } else if (stage.method === 'onEvent' && stage.plugin === plugin && result.output) {
        found ??= { name, time, input: result.input, logs: [] }
        found.onEvent = { event: result.output, logs: consoleLines(stage.logs), ...(stage.error ? { error: stage.errorDetail?.message ?? stage.error } : {}) }
      }
    }
    if (found) cases.push(found)
  })
  return cases
}

const json = (value: unknown) => JSON.stringify(value, null, 2)

function configText(config: Record<string, string>, secretLines: string): string {
  const lines = Object.entries(config).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`)
  if (secretLines) lines.push('  // Secret values are never written to files: set them in the environment.', secretLines)
  return lines.length ? `{\n${lines.join('\n')}\n}` : '{}'
}

/** The test file's text. */
export function renderRecordedTest(input: RecordedTestInput): string {
  const ts = input.language === 'ts'
  const any = ts ? ': any' : ''
  const importPath = `./${input.entry.replace(/\.(ts|js|mjs|cjs)$/, ts ? '' : '.$1')}`
  const secretLines = input.secretKeys.map((key) => `  ${JSON.stringify(key)}: process.env[${JSON.stringify(`PLUGIN_${key.toUpperCase()}`)}] ?? '',`).join('\n')
  return `// Recorded by Plugin Studio from a Debugger run (${input.recordedAt}): ${input.cases.length} event${input.cases.length === 1 ? '' : 's'} through ${input.pluginName}.
// Each case runs one event through this plugin with the config, the clock time and the cache, storage
// and global the cases before it built up (as in the run), and expects the output and console lines
// the studio saw (clock readings compared to the second). A change in behaviour fails it. Run it
// with \`npm test\`.
import { beforeAll, describe, expect, jest, test } from '@jest/globals'
import { clone, resetMeta } from '@posthog/plugin-scaffold/dist/test/utils.js'
import * as pluginModule from '${importPath}'

const plugin${any} = pluginModule

const config = ${configText(input.config, secretLines)}

const recorded${ts ? ': any[]' : ''} = ${json(input.cases)}

/** PostHog's cache API in memory (TTLs are not checked here). */
function memoryCache() {
  const data = new Map${ts ? '<string, any>' : ''}()
  return {
    set: async (key${ts ? ': string' : ''}, value${any}) => void data.set(key, clone(value)),
    get: async (key${ts ? ': string' : ''}, defaultValue${any}) => (data.has(key) ? clone(data.get(key)) : defaultValue),
    incr: async (key${ts ? ': string' : ''}) => {
      const next = Number(data.get(key) ?? 0) + 1
      data.set(key, next)
      return next
    },
    expire: async (key${ts ? ': string' : ''}) => data.has(key),
    del: async (key${ts ? ': string' : ''}) => void data.delete(key),
    lpush: async (key${ts ? ': string' : ''}, items${any}) => {
      const list = [...(Array.isArray(items) ? items : [items]).reverse(), ...(data.get(key) ?? [])]
      data.set(key, list)
      return list.length
    },
    lrange: async (key${ts ? ': string' : ''}, start${ts ? ': number' : ''}, end${ts ? ': number' : ''}) => (data.get(key) ?? []).slice(start, end < 0 ? undefined : end + 1),
    llen: async (key${ts ? ': string' : ''}) => (data.get(key) ?? []).length,
    lpop: async (key${ts ? ': string' : ''}, count = 1) => {
      const list = data.get(key) ?? []
      data.set(key, list.slice(count))
      return list.slice(0, count)
    },
    lrem: async (key${ts ? ': string' : ''}, _count${ts ? ': number' : ''}, value${any}) => {
      const list = data.get(key) ?? []
      data.set(key, list.filter((item${any}) => item !== value))
      return list.length - data.get(key).length
    },
  }
}

/** PostHog's storage API in memory. */
function memoryStorage() {
  const data = new Map${ts ? '<string, any>' : ''}()
  return {
    set: async (key${ts ? ': string' : ''}, value${any}) => void data.set(key, clone(value)),
    get: async (key${ts ? ': string' : ''}, defaultValue${any}) => (data.has(key) ? clone(data.get(key)) : defaultValue),
    del: async (key${ts ? ': string' : ''}) => void data.delete(key),
  }
}

/** PostHog's console line: strings as they are, objects and arrays as JSON, joined by spaces. */
function line(args${ts ? ': any[]' : ''}) {
  return args.map((a${any}) => (String(a) === '[object Object]' || Array.isArray(a) ? JSON.stringify(a) : String(a))).join(' ')
}

/**
 * Inside the studio a plugin's clock reads the step's time plus the real time the call took (a few
 * ms); here it reads the step's time. Dates and timestamps within a second after it compare equal.
 */
function atStepTime(value${any}, time${ts ? ': string' : ''})${ts ? ': any' : ''} {
  const start = Date.parse(time)
  const near = (ms${ts ? ': number' : ''}) => ms >= start && ms < start + 1000
  if (typeof value === 'number') return near(value) ? start : value
  if (typeof value === 'string') return /^\\d{4}-\\d\\d-\\d\\dT/.test(value) && near(Date.parse(value)) ? time : value
  if (Array.isArray(value)) return value.map((v) => atStepTime(v, time))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, atStepTime(v, time)]))
  return value
}

async function withConsole(work${ts ? ': () => Promise<unknown>' : ''}) {
  const lines${ts ? ': any[]' : ''} = []
  const spies = ['debug', 'log', 'info', 'warn', 'error'].map((level) =>
    jest.spyOn(console, level${ts ? ' as any' : ''}).mockImplementation((...args${ts ? ': any[]' : ''}) => void lines.push({ level, message: line(args) })),
  )
  try {
    return { value: await work(), error: null${ts ? ' as any' : ''}, lines }
  } catch (error) {
    return { value: undefined, error, lines }
  } finally {
    for (const spy of spies) spy.mockRestore()
  }
}

/** PostHog's convertToProcessedPluginEvent: what onEvent receives. */
function processed(event${any}) {
  const properties = { ...(event.properties ?? {}) }
  if (event.$set) properties.$set = { ...properties.$set, ...event.$set }
  if (event.$set_once) properties.$set_once = { ...properties.$set_once, ...event.$set_once }
  let elements = []
  if (Array.isArray(properties.$elements)) {
    elements = properties.$elements
    delete properties.$elements
  }
  return { distinct_id: String(event.distinct_id), ip: event.ip ?? null, team_id: event.team_id, event: event.event, properties, timestamp: event.timestamp ?? event.now, $set: properties.$set, $set_once: properties.$set_once, uuid: event.uuid, elements }
}

const meta${any} = resetMeta({ config, cache: memoryCache(), storage: memoryStorage(), global: {}, attachments: {} })

describe(${JSON.stringify(`${input.pluginName}: the recorded run`)}, () => {
  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] })
    jest.setSystemTime(new Date(recorded[0]?.time ?? ${JSON.stringify(CLOCK_START)}))
    if (plugin.setupPlugin) await plugin.setupPlugin(meta)
  })

  for (const step of recorded) {
    test(step.name, async () => {
      jest.setSystemTime(new Date(step.time))
      if (step.output !== undefined || step.error) {
        const run = await withConsole(() => plugin.processEvent(clone(step.input), meta))
        if (step.error) expect(String(run.error?.message ?? run.error)).toContain(step.error)
        else {
          expect(run.error).toBeNull()
          expect(atStepTime(run.value ?? null, step.time)).toEqual(atStepTime(step.output, step.time))
        }
        expect(atStepTime(run.lines, step.time)).toEqual(atStepTime(step.logs, step.time))
      }
      if (step.onEvent) {
        const run = await withConsole(() => plugin.onEvent(processed(clone(step.onEvent.event)), meta))
        if (step.onEvent.error) expect(String(run.error?.message ?? run.error)).toContain(step.onEvent.error)
        expect(atStepTime(run.lines, step.time)).toEqual(atStepTime(step.onEvent.logs, step.time))
      }
    })
  }
})
`
}
