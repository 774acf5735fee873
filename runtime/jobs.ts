// meta.jobs on the runtime's clock, as PostHog's extensions/jobs.ts and runPluginTask behave (PH-2022):
// `jobs.<name>(payload)` → { runNow, runIn(n, unit), runAt(date) } for ANY name (a Proxy); the job is
// stored as JSON (graphile), so the payload is a JSON copy taken at enqueue time; when it falls due a
// name the plugin does not export fails with PostHog's "Task … not found" error; a falsy payload means
// the job function gets only meta; errors go through processError and are not retried.
import type { Clock, TimerId } from './clock.ts'
import type { EngineSink, PluginRef } from './plugin-error.ts'
import { errorText, logEntry, processError } from './plugin-error.ts'
import { failedToEnqueueJob, taskNotFound, unknownTimeUnit } from './posthog-messages.ts'

const milliseconds = 1
const seconds = 1000 * milliseconds
const minutes = 60 * seconds
const hours = 60 * minutes
const days = 24 * hours
const weeks = 7 * days

/** PostHog's duration table, bugs included: a "month" is 30 weeks (210 days), a quarter 13 weeks. */
export const JOB_UNIT_MS: Readonly<Record<string, number>> = Object.freeze({
  milliseconds,
  seconds,
  minutes,
  hours,
  days,
  weeks,
  months: 30 * weeks,
  quarters: 13 * weeks,
  years: 365 * days,
})

/** durationToMs: a trailing "s" is added when missing; an unknown unit throws PostHog's error. */
export function durationToMs(duration: number, unit: string): number {
  const plural = `${unit}${String(unit).endsWith('s') ? '' : 's'}`
  if (!Object.hasOwn(JOB_UNIT_MS, plural)) throw new Error(unknownTimeUnit(plural))
  return JOB_UNIT_MS[plural] * duration
}

export interface JobRunner {
  runNow(): Promise<void>
  runIn(duration: number, unit: string): Promise<void>
  runAt(date: Date | number | string): Promise<void>
}

export interface JobRecord {
  id: number
  name: string
  /** The JSON copy that will be passed to the job (undefined: none). */
  payload: unknown
  enqueuedAt: number
  runAt: number
  status: 'queued' | 'running' | 'ok' | 'error' | 'cancelled'
  startedAt?: number
  endedAt?: number
  error?: string
}

/** A job the host implements itself (PostHog's upgrades register e.g. exportEventsWithRetry). */
export type HostJob = (payload: unknown) => Promise<void>

export interface JobQueueOptions {
  clock: Clock
  plugin: PluginRef
  /** The names in the plugin's exported `jobs` (read when a job falls due). */
  jobNames(): readonly string[]
  /** Runs the plugin's job: `(payload, meta)`, or `(meta)` when payload is undefined. */
  invoke(jobName: string, payload: unknown): Promise<unknown>
  sink: EngineSink
  /** Called whenever a job record changes (the `jobs` records of --json and the inspector). */
  onJob?(job: JobRecord): void
}

export interface JobQueue {
  /** What the plugin sees as meta.jobs. */
  readonly jobs: Record<string, (payload?: unknown) => JobRunner>
  /** Puts a job on the clock at `timestamp`; a failure is logged as PostHog does (and null returned). */
  enqueue(name: string, payload: unknown, timestamp: number): JobRecord | null
  registerHostJob(name: string, run: HostJob): void
  /** Jobs waiting, soonest first. */
  queued(): JobRecord[]
  history(): JobRecord[]
  /** Takes the waiting jobs off the clock (unload); they are marked cancelled. */
  cancelAll(): void
  /** Waits for jobs that are running right now. */
  idle(): Promise<void>
}

/** graphile stores the payload as JSON: what the job gets back is the JSON round-trip. */
function jsonCopy(payload: unknown): unknown {
  const text = JSON.stringify(payload)
  return text === undefined ? undefined : JSON.parse(text)
}

function toTimestamp(date: Date | number | string): number {
  if (date instanceof Date) return date.valueOf()
  if (typeof date === 'number') return date
  return new Date(date).valueOf()
}

export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { clock, plugin, sink } = options
  const hostJobs = new Map<string, HostJob>()
  const waiting = new Map<number, { job: JobRecord; timer: TimerId }>()
  const running = new Set<Promise<void>>()
  const all: JobRecord[] = []
  let nextId = 1

  function changed(job: JobRecord): void {
    options.onJob?.({ ...job })
  }

  function enqueue(name: string, payload: unknown, timestamp: number): JobRecord | null {
    // PH-2022 catches anything going wrong on the way into the queue and logs it instead of throwing.
    let copy: unknown
    try {
      if (!Number.isFinite(timestamp)) throw new Error(`Invalid time value: ${String(timestamp)}`)
      copy = jsonCopy(payload)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      sink.log(logEntry(plugin, 'error', 'SYSTEM', failedToEnqueueJob(name, message), clock.now()))
      return null
    }
    const job: JobRecord = { id: nextId++, name, payload: copy, enqueuedAt: clock.now(), runAt: timestamp, status: 'queued' }
    const timer = clock.at(timestamp, () => execute(job), `job ${name}`)
    waiting.set(job.id, { job, timer })
    all.push(job)
    changed(job)
    return job
  }

  async function execute(job: JobRecord): Promise<void> {
    waiting.delete(job.id)
    job.status = 'running'
    job.startedAt = clock.now()
    changed(job)
    const run = (async () => {
      try {
        const hostJob = hostJobs.get(job.name)
        if (hostJob) await hostJob(job.payload)
        else {
          if (!options.jobNames().includes(job.name)) throw new Error(taskNotFound(job.name, plugin.name))
          // runPluginTask: `payload ? task.exec(payload) : task.exec()`.
          await options.invoke(job.name, job.payload ? job.payload : undefined)
        }
        job.status = 'ok'
      } catch (error) {
        job.status = 'error'
        job.error = errorText(error)
        processError(sink, plugin, clock.now(), error)
      } finally {
        job.endedAt = clock.now()
        changed(job)
      }
    })()
    running.add(run)
    try {
      await run
    } finally {
      running.delete(run)
    }
  }

  function runner(name: string, payload: unknown): JobRunner {
    return {
      runNow: async () => void enqueue(name, payload, clock.now()),
      // durationToMs throws before anything is enqueued, so an unknown unit reaches the plugin.
      runIn: async (duration, unit) => void enqueue(name, payload, clock.now() + durationToMs(duration, unit)),
      runAt: async (date) => void enqueue(name, payload, toTimestamp(date)),
    }
  }

  const jobs = new Proxy({} as Record<string, (payload?: unknown) => JobRunner>, {
    get: (_target, key) => (typeof key === 'symbol' ? undefined : (payload?: unknown) => runner(key, payload)),
  })

  return {
    jobs,
    enqueue,
    registerHostJob(name, run) {
      hostJobs.set(name, run)
    },
    queued: () => [...waiting.values()].map((w) => ({ ...w.job })).sort((a, b) => a.runAt - b.runAt || a.id - b.id),
    history: () => all.map((j) => ({ ...j })),
    cancelAll() {
      for (const { job, timer } of waiting.values()) {
        clock.cancel(timer)
        job.status = 'cancelled'
        changed(job)
      }
      waiting.clear()
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running])
    },
  }
}
