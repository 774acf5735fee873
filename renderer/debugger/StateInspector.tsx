// The loaded pipeline's state, per plugin: setup, next scheduled runs and running tasks, queued jobs
// with their due times, the export buffer with its delivered/retried/failed metrics, meta.cache keys
// with values and TTLs, and meta.storage. Read again after every step, run, reset and clock action.
import { useState } from 'react'
import type { CacheEntryOut, JobRecordOut, PluginStoresOut, PluginTimeState } from '../../common/protocol/runtime.ts'
import type { PipelineState } from '../../common/protocol/studio.ts'
import { useStore } from '../state/store.ts'
import { store } from '../state/studio-state.ts'
import { clockStore } from '../state/clock-actions.ts'
import { formatValue } from '../output/diff-rows.ts'
import { formatClockTime } from './ClockBar.tsx'
import { describeStep, historyStore } from './run-history.ts'

const VALUE_LIMIT = 160
const SETUP_TONE: Record<PluginTimeState['setup'], string> = { ready: 'ok', deferred: 'muted', retrying: 'warn', errored: 'error', failed: 'error' }

function short(value: unknown): { text: string; full: string } {
  const full = formatValue(value)
  return { text: full.length > VALUE_LIMIT ? `${full.slice(0, VALUE_LIMIT - 1)}…` : full, full }
}

/** 299000 → "4 min 59 s"; null → "no expiry". */
export function formatTtl(ms: number | null): string {
  if (ms === null) return 'no expiry'
  if (ms < 1000) return `${ms} ms`
  const s = Math.floor(ms / 1000)
  const parts: string[] = []
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d) parts.push(`${d} d`)
  if (h) parts.push(`${h} h`)
  if (m) parts.push(`${m} min`)
  if (s % 60 || parts.length === 0) parts.push(`${s % 60} s`)
  return parts.slice(0, 2).join(' ')
}

/** How far `iso` is after `now`: "in 45 s", "now", "12 s ago". */
function relative(iso: string, now: string): string {
  const ms = Date.parse(iso) - Date.parse(now)
  if (ms === 0) return 'now'
  return ms > 0 ? `in ${formatTtl(ms)}` : `${formatTtl(-ms)} ago`
}

function When({ iso, now }: { iso: string; now: string }) {
  return (
    <span title={iso}>
      {formatClockTime(iso).replace(/^\d{4}-\d\d-\d\d /, '').replace(/ UTC$/, '')} <span className="muted">({relative(iso, now)})</span>
    </span>
  )
}

function Value({ value }: { value: unknown }) {
  const { text, full } = short(value)
  return <code title={full}>{text}</code>
}

function CacheTable({ entries, name }: { entries: CacheEntryOut[]; name: string }) {
  if (entries.length === 0) return <p className="muted small-text">No cache keys.</p>
  return (
    <table className="inspector-table" aria-label={`Cache of ${name}`}>
      <thead>
        <tr>
          <th>Key</th>
          <th>Value</th>
          <th title="Time left: on the runtime clock for the embedded cache (it runs out as you advance the clock); in real time for a real Redis">TTL</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.key}>
            <td>
              <code>{e.key}</code>
            </td>
            <td>
              <Value value={e.value} />
              {e.type !== 'string' && <span className="muted"> ({e.type})</span>}
            </td>
            <td className="nowrap">{formatTtl(e.ttlMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Keys and their values, one row each (storage, meta.global). */
function KeyValueTable({ rows, label }: { rows: [string, unknown][]; label: string }) {
  return (
    <table className="inspector-table" aria-label={label}>
      <thead>
        <tr>
          <th>Key</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([key, v]) => (
          <tr key={key}>
            <td>
              <code>{key}</code>
            </td>
            <td>
              <Value value={v} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function StorageTable({ entries, name }: { entries: PluginStoresOut['storage']; name: string }) {
  if (entries.length === 0) return <p className="muted small-text">No storage keys.</p>
  return <KeyValueTable rows={entries.map((e) => [e.key, e.value])} label={`Storage of ${name}`} />
}

/** meta.global's top-level keys with their values (as the runtime described them: Set/Map/functions named). */
function GlobalTable({ value, name }: { value: unknown; name: string }) {
  if (value === undefined) return <p className="muted small-text">Not readable now (no live isolate).</p>
  if (!value || typeof value !== 'object' || Array.isArray(value)) return <Value value={value} />
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length === 0) return <p className="muted small-text">Empty.</p>
  return <KeyValueTable rows={entries} label={`Global of ${name}`} />
}

function JobsTable({ jobs, name, now }: { jobs: JobRecordOut[]; name: string; now: string }) {
  if (jobs.length === 0) return <p className="muted small-text">No queued jobs.</p>
  return (
    <table className="inspector-table" aria-label={`Queued jobs of ${name}`}>
      <thead>
        <tr>
          <th>Job</th>
          <th>Due</th>
          <th>Payload</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr key={j.id}>
            <td>
              <code>{j.name}</code>
              {j.status !== 'queued' && <span className="muted"> ({j.status})</span>}
            </td>
            <td className="nowrap">
              <When iso={j.runAt} now={now} />
            </td>
            <td>
              <Value value={j.payload} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function ExportBuffer({ time, name, now }: { time: PluginTimeState; name: string; now: string }) {
  const buffer = time.exportBuffer
  const metrics = time.exportMetrics
  if (!buffer && !metrics) return null
  return (
    <div className="inspector-block">
      <h4>Export buffer</h4>
      {buffer && (
        <p className="small-text">
          {buffer.events} event{buffer.events === 1 ? '' : 's'} · {buffer.bytes.toLocaleString()} bytes waiting
          {buffer.flushAt ? (
            <>
              {' '}
              · flush at <When iso={buffer.flushAt} now={now} />
            </>
          ) : null}
          <span className="muted">
            {' '}
            (flushes at {buffer.limits.bytes.toLocaleString()} bytes or after {buffer.limits.seconds} s)
          </span>
        </p>
      )}
      {metrics && (
        <dl className="export-metrics" aria-label={`Export metrics of ${name}`}>
          <div>
            <dt>delivered</dt>
            <dd data-testid="export-delivered">{metrics.delivered}</dd>
          </div>
          <div>
            <dt>retried</dt>
            <dd data-testid="export-retried">{metrics.retried}</dd>
          </div>
          <div className={metrics.failed ? 'failed' : undefined}>
            <dt>failed</dt>
            <dd data-testid="export-failed">{metrics.failed}</dd>
          </div>
        </dl>
      )}
      {buffer && buffer.contents.length > 0 && (
        <details className="small-text">
          <summary>Events waiting ({buffer.contents.length})</summary>
          <ol className="buffer-events">
            {buffer.contents.map((e, i) => (
              <li key={i}>
                <code>{e.event}</code> <span className="muted">{e.uuid ?? e.distinct_id}</span>
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  )
}

function PluginState({ plugin, state }: { plugin: PipelineState['plugins'][number]; state: PipelineState }) {
  const now = state.time?.now ?? ''
  const time = state.time?.plugins.find((p) => p.plugin === plugin.plugin)
  const stores = state.stores.find((s) => s.plugin === plugin.plugin)
  const name = plugin.name
  return (
    <section className="inspector-plugin" aria-label={`State of ${name}`}>
      <h3 className="inspector-plugin-title">
        {name}
        {time && <span className={`status-pill ${SETUP_TONE[time.setup]}`}>{time.setup === 'ready' ? 'set up' : time.setup}</span>}
        {time?.nextSetupRetryAt && (
          <span className="muted small-text">
            setupPlugin retry <When iso={time.nextSetupRetryAt} now={now} />
          </span>
        )}
      </h3>
      {time && (time.scheduled.length > 0 || time.runningTasks.length > 0) && (
        <div className="inspector-block">
          <h4>Scheduled tasks</h4>
          <ul className="inspector-list" aria-label={`Next scheduled runs of ${name}`}>
            {time.scheduled.map((s) => (
              <li key={s.task}>
                <code>{s.task}</code> next <When iso={s.at} now={now} /> <span className="muted">({s.cron})</span>
              </li>
            ))}
            {time.runningTasks.map((task) => (
              <li key={`running-${task}`}>
                <code>{task}</code> running
              </li>
            ))}
          </ul>
        </div>
      )}
      {time && (plugin.capabilities.jobs.length > 0 || time.queuedJobs.length > 0) && (
        <div className="inspector-block">
          <h4>Queued jobs</h4>
          <JobsTable jobs={time.queuedJobs} name={name} now={now} />
        </div>
      )}
      {time && <ExportBuffer time={time} name={name} now={now} />}
      <div className="inspector-block">
        <h4>Cache</h4>
        {stores?.error ? <p className="error-text small-text">{stores.error}</p> : <CacheTable entries={stores?.cache ?? []} name={name} />}
      </div>
      <div className="inspector-block">
        <h4>Storage</h4>
        <StorageTable entries={stores?.storage ?? []} name={name} />
      </div>
      <div className="inspector-block">
        <h4>Global</h4>
        <GlobalTable value={stores?.global} name={name} />
      </div>
    </section>
  )
}

/** Whether the inspector is open, kept across launches (closed at first: the stages keep their room). */
const OPEN_KEY = 'plugin-studio:state-inspector-open'

function initiallyOpen(): boolean {
  try {
    return globalThis.localStorage?.getItem(OPEN_KEY) === 'true'
  } catch {
    return false
  }
}

/** One line for the closed inspector: what is kept and what comes next. */
export function stateSummary(state: PipelineState | null): string {
  if (!state?.time) return ''
  const parts: string[] = []
  const cache = state.stores.reduce((n, s) => n + s.cache.length, 0)
  const storage = state.stores.reduce((n, s) => n + s.storage.length, 0)
  const buffered = state.time.plugins.reduce((n, p) => n + (p.exportBuffer?.events ?? 0), 0)
  const delivered = state.time.plugins.reduce((n, p) => n + (p.exportMetrics?.delivered ?? 0), 0)
  const jobs = state.time.plugins.reduce((n, p) => n + p.queuedJobs.length, 0)
  parts.push(`${cache} cache key${cache === 1 ? '' : 's'}`, `${storage} storage key${storage === 1 ? '' : 's'}`)
  if (state.time.plugins.some((p) => p.exportBuffer || p.exportMetrics)) parts.push(`${buffered} buffered, ${delivered} exported`)
  if (jobs) parts.push(`${jobs} job${jobs === 1 ? '' : 's'} queued`)
  const next = state.time.plugins.flatMap((p) => p.scheduled).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))[0]
  if (next) parts.push(`next ${next.task} ${formatClockTime(next.at).replace(/^\d{4}-\d\d-\d\d /, '').replace(/ UTC$/, '')}`)
  return parts.join(' · ')
}

export function StateInspector() {
  const live = useStore(clockStore, (s) => s.pipeline)
  const liveError = useStore(clockStore, (s) => s.error)
  // Time travel: an earlier step's state instead of the live one (renderer/debugger/run-history.ts).
  const travel = useStore(historyStore, (s) => s.travel)
  const travelledTo = useStore(historyStore, (s) => (s.travel ? describeStep(s.entries, s.travel.entry) : null))
  const state = travel ? travel.state : live
  const error = travel ? travel.error : liveError
  const selected = useStore(store, (s) => s.selectedPlugin)
  // A step, run or Run all under way may be loading another pipeline: the state read before it names the old one.
  const running = useStore(store, (s) => s.phase === 'running' || s.phase === 'stepping' || s.phase === 'running-all')
  const [open, setOpen] = useState(initiallyOpen)
  if (!selected) return null
  const loaded = state?.plugins ?? []
  const summary = stateSummary(state)
  return (
    <details
      className="state-inspector"
      open={open}
      onToggle={(e) => {
        const now = e.currentTarget.open
        setOpen(now)
        try {
          globalThis.localStorage?.setItem(OPEN_KEY, String(now))
        } catch {}
      }}
    >
      <summary>
        State
        {travelledTo && <span className="small-text inspector-travelled"> · after {travelledTo}</span>}
        {summary && <span className="muted small-text state-summary"> · {summary}</span>}
        {!travel && state?.stale && <span className="muted small-text"> · files or config changed: the next step reloads (state starts over)</span>}
        {loaded.length > 0 && !loaded.some((p) => p.plugin === selected) && (
          <span className="muted small-text">
            {running && !travel ? ' · from before this run, which loads the pipeline again' : ` · of the loaded pipeline (${loaded.map((p) => p.name).join(' → ')})`}
          </span>
        )}
      </summary>
      <div className="state-inspector-body" role="region" aria-label="State inspector">
        {error && <p className="error-text small-text">{error}</p>}
        {travel && state?.time && (
          <p className="small-text inspector-travelled" data-testid="inspector-clock">
            Clock after {travelledTo}: {formatClockTime(state.time.now)}
          </p>
        )}
        {travel && !state ? (
          !error && <p className="muted small-text">Reading the state after {travelledTo}…</p>
        ) : loaded.length === 0 ? (
          <p className="muted small-text">Nothing is loaded yet: Step an event or move the clock.</p>
        ) : (
          loaded.map((p) => <PluginState key={p.plugin} plugin={p} state={state!} />)
        )}
        {state?.time && state.time.timers.length > 0 && (
          <div className="inspector-block">
            <h4>Timers</h4>
            <ul className="inspector-list" aria-label="Pending timers">
              {state.time.timers.slice(0, 20).map((t, i) => (
                <li key={i}>
                  <When iso={t.time} now={state.time!.now} /> <code>{t.label}</code>
                  {t.background && <span className="muted"> (recurring)</span>}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </details>
  )
}
