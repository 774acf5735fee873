// `run` without --json: a per-event summary for people — what each event became (a property-level
// diff), who dropped it, what the plugins logged and threw. Colour only on a terminal.
import { styleText } from 'node:util'
import type { LogEntry, PluginEvent } from '../../common/plugin/event.ts'
import type { SerializedError } from '../../common/rpc/messages.ts'
import type { EventResult } from '../../common/protocol/runtime.ts'
import { diffEvents, type PropertyChange } from './property-diff.ts'
import type { Reporter, RunHead, RunTail } from './run-outcome.ts'
import { MASK } from './secret-mask.ts'

type Style = Parameters<typeof styleText>[0]

export function createTextReporter(mask: (text: string) => string, colour: boolean): Reporter {
  const paint = (style: Style, text: string) => (colour ? styleText(style, text, { validateStream: false }) : text)
  const counts = { events: 0, changed: 0, dropped: 0, unchanged: 0, errors: 0, setupErrors: 0 }
  let total = 0
  return {
    head(run: RunHead) {
      total = run.total
      counts.setupErrors = run.setup.filter((s) => s.error).length
      const lines = [paint('bold', `Pipeline (${run.plugins.length} plugin${run.plugins.length === 1 ? '' : 's'}, in order)`)]
      run.plugins.forEach((plugin, i) => {
        const setup = run.setup.find((s) => s.plugin === plugin.id)
        const mark = setup?.error ? paint('red', '✗') : paint('green', '✓')
        const name = plugin.json.name && plugin.json.name !== plugin.id ? ` ${paint('dim', `(${plugin.json.name})`)}` : ''
        lines.push(`  ${i + 1}. ${mark} ${paint('bold', plugin.id)}${name}  ${paint('dim', plugin.given)}`)
        const secret = new Set(plugin.json.config.filter((f) => f.secret && f.key).map((f) => f.key as string))
        const config = Object.entries(plugin.config).map(([k, v]) => `${k}=${secret.has(k) ? MASK : short(mask(v), 40)}`)
        if (config.length) lines.push(`       ${paint('dim', 'config:')} ${config.join(', ')}`)
        if (plugin.attachments.length) lines.push(`       ${paint('dim', 'attachments:')} ${plugin.attachments.join(', ')}`)
        if (setup?.error) lines.push(`       ${paint('red', `setup failed: ${mask(setup.error)}`)}${where(setup.errorDetail, paint)}`)
        for (const log of setup?.logs ?? []) lines.push(`       ${logLine(log, mask, paint)}`)
      })
      return lines.join('\n') + '\n'
    },

    event(index: number, input: PluginEvent, result: EventResult) {
      counts.events++
      const lines = ['', `${paint('bold', `Event ${index + 1}/${total}`)} ${paint(['bold', 'cyan'], input.event)}${paint('dim', identity(input))}`]
      if (result.output === null) {
        counts.dropped++
        lines.push(`  ${paint('magenta', result.droppedBy === null && result.error ? `not processed: ${mask(result.error)}` : `dropped by ${result.droppedBy ?? 'a plugin'}`)}`)
      } else {
        const changes = diffEvents(input, result.output)
        if (changes.length === 0) {
          counts.unchanged++
          lines.push(`  ${paint('dim', 'unchanged')}`)
        } else counts.changed++
        for (const change of changes) lines.push(`  ${changeLine(change, mask, paint)}`)
      }
      // A lazily run setupPlugin's lines are already shown under the pipeline.
      const setupLines = new Set(result.stages.filter((s) => s.method === 'setupPlugin').flatMap((s) => s.logs.map(logKey)))
      for (const log of result.logs) if (!setupLines.has(logKey(log))) lines.push(`  ${logLine(log, mask, paint)}`)
      const errors = stageErrors(result)
      if (errors.length) counts.errors++
      for (const { plugin, method, error, detail } of errors) {
        if (result.logs.some((log) => log.level === 'error' && log.message.includes(error))) continue
        lines.push(`  ${paint('red', `✗ ${plugin} ${method}: ${mask(error)}`)}${where(detail, paint)}`)
      }
      return lines.join('\n') + '\n'
    },

    tail(run: RunTail) {
      const lines: string[] = []
      if (run.clock) {
        const fired = run.clock.fired.length
        lines.push('', `${paint('bold', `Advanced ${formatMs(run.clock.advancedMs)}`)} ${paint('dim', `to ${run.clock.now}: ${fired} timer${fired === 1 ? '' : 's'} fired${run.clock.truncated ? ' (stopped early: too many)' : ''}`)}`)
        for (const log of run.clock.logs) lines.push(`  ${paint('dim', log.time ? new Date(log.time).toISOString().slice(11, 19) : '')} ${logLine(log, mask, paint)}`)
      }
      const r = run.records
      if (r && (r.scheduled.length || r.jobs.length || r.exported.length || r.fetches.length || r.captured.length)) {
        const metrics = Object.entries(r.exportMetrics).map(([p, m]) => `${p} delivered ${m.delivered}, retried ${m.retried}, failed ${m.failed}`)
        lines.push(
          '',
          paint('bold', 'Side effects') +
            ` ${r.scheduled.length} scheduled run(s), ${r.jobs.length} job(s), ${r.exported.length} export batch(es), ${r.fetches.length} fetch(es), ${r.captured.length} captured event(s)` +
            (metrics.length ? ` · exportEvents: ${metrics.join('; ')}` : ''),
        )
      }
      for (const t of run.teardown) {
        if (!t.error && t.logs.length === 0) continue
        lines.push('', `${paint('bold', 'Teardown')} ${t.plugin}${t.error ? ` ${paint('red', `failed: ${mask(t.error)}`)}` : ''}`)
        for (const log of t.logs) lines.push(`  ${logLine(log, mask, paint)}`)
      }
      for (const crash of run.crashes) {
        lines.push('', paint('red', `The runtime process crashed and was restarted: ${mask(crash.message)}${crash.lost.length ? ` (lost: ${crash.lost.join(', ')})` : ''}`))
      }
      const { events, changed, unchanged, dropped, errors, setupErrors } = counts
      lines.push(
        '',
        paint(
          'bold',
          `${events} event${events === 1 ? '' : 's'}: ${changed} changed, ${unchanged} unchanged, ${dropped} dropped, ${errors} with errors` +
            `${setupErrors ? `, ${setupErrors} setup failure${setupErrors === 1 ? '' : 's'}` : ''} · ${Math.round(run.durationMs)} ms`,
        ),
      )
      return lines.join('\n') + '\n'
    },
  }
}

type Paint = (style: Style, text: string) => string

function identity(event: PluginEvent): string {
  const parts = []
  if (typeof event.uuid === 'string') parts.push(`uuid ${event.uuid}`)
  if (typeof event.distinct_id === 'string') parts.push(`distinct_id ${short(event.distinct_id, 40)}`)
  return parts.length ? `  ${parts.join(' · ')}` : ''
}

function changeLine(change: PropertyChange, mask: (t: string) => string, paint: Paint): string {
  if (change.kind === 'added') return paint('green', `+ ${change.path}: ${value(change.after, mask)}`)
  if (change.kind === 'removed') return paint('red', `- ${change.path}: ${value(change.before, mask)}`)
  return paint('yellow', `~ ${change.path}: ${value(change.before, mask)} → ${value(change.after, mask)}`)
}

const LEVEL_STYLE: Record<LogEntry['level'], Style> = { debug: 'dim', log: 'reset', info: 'blue', warn: 'yellow', error: 'red' }

function logLine(log: LogEntry, mask: (t: string) => string, paint: Paint): string {
  const who = log.plugin ? `${log.plugin}: ` : ''
  // Multi-line messages (an error with its stack) stay indented under their line.
  return paint(LEVEL_STYLE[log.level] ?? 'reset', `[${log.level}] ${who}${mask(log.message).replace(/\n/g, '\n      ')}`)
}

function logKey(log: LogEntry): string {
  return `${log.plugin}\u0000${log.time}\u0000${log.level}\u0000${log.message}`
}

function stageErrors(result: EventResult): { plugin: string; method: string; error: string; detail?: SerializedError }[] {
  const errors: { plugin: string; method: string; error: string; detail?: SerializedError }[] = result.stages
    .filter((s) => s.error !== null)
    .map((s) => ({ plugin: s.plugin, method: s.method, error: s.error as string, detail: s.errorDetail }))
  if (errors.length === 0 && result.error) errors.push({ plugin: 'pipeline', method: 'error', error: result.error, detail: undefined })
  return errors
}

/** The first stack frame, which the runtime's source maps point at the plugin's own line. */
function where(detail: SerializedError | undefined, paint: Paint): string {
  const frame = detail?.stack?.split('\n').find((line) => /^\s+at /.test(line))
  return frame ? ` ${paint('dim', frame.trim())}` : ''
}

function value(v: unknown, mask: (t: string) => string): string {
  return short(mask(v === undefined ? 'undefined' : JSON.stringify(v)), 80)
}

function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function formatMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  if (ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}
