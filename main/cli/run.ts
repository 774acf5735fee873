// `plugin-studio run`: load plugin folders as one pipeline in the real runtime process, push the
// events through, report (DESIGN.md §5). Bad input fails before the runtime starts.
import { once } from 'node:events'
import { relative } from 'node:path'
import type { EventResult, LoadRequest, PluginLoadResult, PluginSpec } from '../../common/protocol/runtime.ts'
import { formatEventsProblem } from '../services/events/parse-events.ts'
import { readEventsFile } from '../services/events/read-events-file.ts'
import type { Runner } from '../services/runner/runner.ts'
import { EXIT, InputError, parseCommandArgs, positiveInteger } from './cli-error.ts'
import { createJsonReporter } from './json-report.ts'
import { readPluginFolders } from './plugin-folders.ts'
import { parseAssignment, readAttachment, readConfigFile } from './plugin-settings.ts'
import { parseDuration, readApiStubs } from './run-clock.ts'
import type { RunTail } from './run-outcome.ts'
import { createMasker, secretValues } from './secret-mask.ts'
import { createTextReporter } from './text-report.ts'

export const DEFAULT_TIMEOUT_MS = 30_000
export const DEFAULT_MEMORY_MB = 128
/** Events per processEvents call: big enough to amortise the process boundary, small enough to stream. */
const BATCH = 100

export const RUN_HELP = `Usage: plugin-studio run <plugin-dir>... --events <file> [options]

Runs PostHog plugins on events in the real plugin runtime (one isolate per plugin, as PostHog's
plugin-server would) and reports what each event became. Several plugin folders form one pipeline,
in the order given.

Options:
  --events <file>            Events: a JSON array, one JSON event, or JSON Lines ("-" reads stdin).
  --config [N:]KEY=VALUE     A config value for plugin N (1-based; default 1). Repeatable.
                             Values are strings, as PostHog passes them; keys left unset get their
                             plugin.json default.
  --config-file <file>       Config values as JSON: {"KEY": "value"} for plugin 1, or
                             {"1": {"KEY": "value"}, "2": {...}} per plugin. Numbers and booleans are
                             written as strings. --config values win over the file.
  --attachment [N:]KEY=PATH  A file for an attachment field of plugin N. Repeatable.
  --timeout-ms <n>           Time limit per plugin call (default ${DEFAULT_TIMEOUT_MS}, PostHog's task timeout).
  --memory-mb <n>            Memory limit per plugin isolate (default ${DEFAULT_MEMORY_MB}).
  --advance <duration>       After the events, move the runtime clock forward (90s, 10m, 1h, 1d,
                             1h30m): scheduled tasks (runEveryMinute/Hour/Day at their cron
                             boundaries), jobs, exportEvents buffer flushes and RetryError retries
                             that fall due run, as PostHog's plugin-server would run them.
                             The clock is virtual (it starts at 2022-08-12T00:00:00Z): no waiting.
                             meta.cache TTLs count on it too (the CLI's cache is the embedded one;
                             a real Redis, the studio's redisUrl setting, keeps its own in real time).
  --realtime                 Use the wall clock instead: timers fire for real, and --advance waits.
  --allow-host <host>        Let plugins fetch from this host (e.g. 127.0.0.1:8080), besides any
                             public host. Loopback (127.0.0.1, localhost, ::1) and metadata
                             addresses are refused unless named here. Repeatable.
  --posthog-api <file>       Answers for posthog.api calls: a JSON list of
                             {"method", "path", "status", "body"}; other calls get a 404.
  --feed-captured            Feed posthog.capture events back through the pipeline, as PostHog
                             does (a loop guard stops endless capture chains).
  --json                     Print one JSON object:
                             {"setup":[{"plugin","error","logs"}],
                              "results":[{"input","output","error","logs","droppedBy","stages"}],
                              "captured","exported","fetches","jobs","scheduled":[...], ...}
                             one result per event, in order; "output" is null when dropped. Each
                             record of captured/exported/fetches/jobs/scheduled has "time": the
                             runtime clock's ISO time it happened at.
  -h, --help                 Show this help.

Values of config fields marked "secret" in plugin.json are masked in everything printed
(event data in --json is left as the plugins produced it).

Exit status: 0 when the run completed (plugin errors are results), 1 when the runtime failed,
2 on bad input (a missing plugin folder or plugin.json, malformed events, an unknown option,
an unreadable attachment, a plugin number N that does not exist).

Example:
  plugin-studio run ./my-plugin --events sample-events/web-pageview-with-utm.json --config apiKey=abc
`

const OPTIONS = {
  events: { type: 'string' },
  config: { type: 'string', multiple: true },
  'config-file': { type: 'string' },
  attachment: { type: 'string', multiple: true },
  'timeout-ms': { type: 'string' },
  'memory-mb': { type: 'string' },
  advance: { type: 'string' },
  realtime: { type: 'boolean' },
  'allow-host': { type: 'string', multiple: true },
  'posthog-api': { type: 'string' },
  'feed-captured': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('run', argv, OPTIONS)
  if (values.help) {
    process.stdout.write(RUN_HELP)
    return EXIT.ok
  }
  if (positionals.length === 0) throw new InputError('no plugin folder given (plugin-studio run <plugin-dir>... --events <file>)')
  if (!values.events) throw new InputError('--events <file> is required (a JSON array, one JSON event, or JSON Lines)')
  const timeoutMs = positiveInteger('--timeout-ms', values['timeout-ms'], DEFAULT_TIMEOUT_MS)
  const memoryMb = positiveInteger('--memory-mb', values['memory-mb'], DEFAULT_MEMORY_MB)
  const advanceMs = values.advance === undefined ? null : parseDuration('--advance', values.advance)
  const posthogApi = values['posthog-api'] ? readApiStubs(values['posthog-api']) : undefined
  const allowHosts = values['allow-host'] ?? []

  const folders = readPluginFolders(positionals)
  const configs: Record<string, string>[] = values['config-file'] ? readConfigFile(values['config-file'], folders.length) : folders.map(() => ({}))
  for (const text of values.config ?? []) {
    const { index, key, value } = parseAssignment('--config', text, folders.length)
    configs[index - 1][key] = value
  }
  const attachments: PluginSpec['attachments'][] = folders.map(() => ({}))
  for (const text of values.attachment ?? []) {
    const { index, key, attachment } = readAttachment(text, folders.length)
    attachments[index - 1][key] = attachment
  }
  warnAboutUnknownFields(folders, configs, attachments)

  const parsed = await readEventsFile(values.events)
  if (!parsed.ok) throw new InputError(formatEventsProblem(parsed.problem))
  const events = parsed.events

  const plugins: PluginSpec[] = folders.map((f, i) => ({ id: f.id, dir: f.dir, config: configs[i], attachments: attachments[i] }))
  const mask = createMasker(folders.flatMap((f, i) => secretValues(f.json.config, configs[i])))
  const teamId = typeof events[0].team_id === 'number' ? events[0].team_id : 1
  const request: LoadRequest = {
    plugins,
    options: {
      timeoutMs,
      memoryMb,
      teamId,
      ...(values.realtime ? { realtime: true } : {}),
      ...(values['feed-captured'] ? { feedCaptured: true } : {}),
      ...(posthogApi ? { posthogApi } : {}),
      ...(allowHosts.length ? { fetchPolicy: { mode: 'allow' as const, allowHosts: ['*', ...allowHosts] } } : {}),
    },
  }

  const crashes: RunTail['crashes'] = []
  const started = performance.now()
  let runner: Runner
  try {
    // Loaded only now: bad input is reported without paying for the runtime's modules.
    const { Runner } = await import('../services/runner/runner.ts')
    runner = await Runner.start({ onCrash: (info) => crashes.push(info) })
  } catch (error) {
    return runtimeFailed('could not start the plugin runtime', error, mask)
  }
  let headWritten = false
  const reporter = values.json ? createJsonReporter(mask) : createTextReporter(mask, Boolean(process.stdout.isTTY) && !process.env.NO_COLOR)
  try {
    const { setup } = await runner.load(request)
    // Reported as it goes, a batch at a time; the next batch is already on its way meanwhile (the
    // runtime runs them in order), so the runtime does not wait while a batch is written out.
    const send = (from: number) => {
      if (from >= events.length) return null
      const call = runner.processEvents(events.slice(from, from + BATCH))
      call.catch(() => undefined) // awaited in its turn; after a crash the error of the earlier batch is reported
      return call
    }
    let next = send(0)
    for (let start = 0; start < events.length; start += BATCH) {
      const batch = events.slice(start, start + BATCH)
      const current = next!
      next = send(start + BATCH)
      const results = await current
      if (results.length !== batch.length) throw new Error(`the runtime returned ${results.length} results for ${batch.length} events`)
      let text = ''
      if (!headWritten) {
        headWritten = true
        const plugins = folders.map((f, i) => ({ ...f, config: configs[i], attachments: Object.keys(attachments[i]) }))
        text += reporter.head({ plugins, setup: withDeferredSetup(setup, results), total: events.length })
      }
      results.forEach((result, i) => {
        text += reporter.event(start + i, batch[i], { ...result, logs: result.logs ?? [], stages: result.stages ?? [] })
      })
      await write(text)
    }
    const clock = advanceMs === null ? undefined : { ...(await runner.advance(advanceMs)), advancedMs: advanceMs }
    const { teardown } = await runner.unload()
    const records = await runner.records()
    await write(reporter.tail({ teardown, crashes, durationMs: performance.now() - started, clock, records }))
    for (const crash of crashes) process.stderr.write(`plugin-studio run: the runtime process crashed and was restarted: ${mask(crash.message)}\n`)
    return crashes.length ? EXIT.failed : EXIT.ok
  } catch (error) {
    // Half a report still ends as a whole one (valid JSON for --json); the exit code says it failed.
    if (headWritten) {
      const lost = crashes.length ? crashes : [{ message: error instanceof Error ? error.message : String(error), lost: [] }]
      await write(reporter.tail({ teardown: [], crashes: lost, durationMs: performance.now() - started })).catch(() => {})
    }
    return runtimeFailed('the plugin runtime failed', error, mask)
  } finally {
    await runner.close().catch(() => {})
  }
}

/** Writes to stdout, waiting when the pipe is full, so a huge report never piles up in memory. */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain')
}

/**
 * PostHog (2022) runs setupPlugin lazily, at a plugin's first event; the runtime then reports it as
 * that event's `setupPlugin` stage. The report's `setup` entry is where people look for it.
 */
function withDeferredSetup(setup: PluginLoadResult[], results: EventResult[]): PluginLoadResult[] {
  return setup.map((entry) => {
    if (entry.setup !== 'deferred') return entry
    const stage = results.flatMap((r) => r.stages).find((s) => s.plugin === entry.plugin && s.method === 'setupPlugin')
    if (!stage) return entry
    return { ...entry, setup: stage.error ? 'failed' : 'ready', error: entry.error ?? stage.error, errorDetail: entry.errorDetail ?? stage.errorDetail, logs: [...entry.logs, ...stage.logs] }
  })
}

function runtimeFailed(what: string, error: unknown, mask: (t: string) => string): number {
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`plugin-studio run: ${what}: ${mask(message).replace(/\s+/g, ' ')}\n`)
  return EXIT.failed
}

/** A typo in a key is the usual reason a plugin "ignores" its config: say so, without failing. */
function warnAboutUnknownFields(
  folders: ReturnType<typeof readPluginFolders>,
  configs: Record<string, string>[],
  attachments: PluginSpec['attachments'][],
): void {
  folders.forEach((folder, i) => {
    const fields = new Map(folder.json.config.filter((f) => f.key).map((f) => [f.key as string, f]))
    const file = relative(process.cwd(), folder.dir) || '.'
    for (const key of Object.keys(configs[i])) {
      if (!fields.has(key)) process.stderr.write(`plugin-studio run: warning: ${file}/plugin.json has no config field "${key}" (plugin ${i + 1})\n`)
      else if (fields.get(key)?.type === 'attachment') process.stderr.write(`plugin-studio run: warning: "${key}" of plugin ${i + 1} is an attachment field; pass it with --attachment\n`)
    }
    for (const key of Object.keys(attachments[i])) {
      const field = fields.get(key)
      if (!field || field.type !== 'attachment') process.stderr.write(`plugin-studio run: warning: ${file}/plugin.json has no attachment field "${key}" (plugin ${i + 1})\n`)
    }
  })
}
