// runEveryMinute / runEveryHour / runEveryDay on the runtime's clock, as PostHog's schedule service
// runs them (PS-2021 = PH-2022 main/services/schedule.ts): node-schedule crons '* * * * *',
// '0 * * * *', '0 0 * * *' (UTC on PostHog's servers), debounced per plugin config and task — a tick
// that finds the last run still going is skipped, so the next run counts from the end of the last —
// errors through processError, tasks receive only meta (the injected `invoke` supplies it).
import type { Clock, TimerId } from './clock.ts'
import type { EngineSink, PluginRef } from './plugin-error.ts'
import { errorText, logEntry, processError } from './plugin-error.ts'
import { STUDIO_scheduleSkipped } from './posthog-messages.ts'

export const SCHEDULED_TASKS = ['runEveryMinute', 'runEveryHour', 'runEveryDay'] as const
export type ScheduledTaskName = (typeof SCHEDULED_TASKS)[number]

/** PostHog's cron expressions, for display. */
export const SCHEDULE_CRONS: Record<ScheduledTaskName, string> = {
  runEveryMinute: '* * * * *',
  runEveryHour: '0 * * * *',
  runEveryDay: '0 0 * * *',
}

const PERIOD_MS: Record<ScheduledTaskName, number> = {
  runEveryMinute: 60_000,
  runEveryHour: 3_600_000,
  runEveryDay: 86_400_000,
}

export function isScheduledTask(name: string): name is ScheduledTaskName {
  return (SCHEDULED_TASKS as readonly string[]).includes(name)
}

/** The first cron boundary strictly after `time` (UTC: the epoch is aligned to minutes, hours and days). */
export function nextBoundary(task: ScheduledTaskName, time: number): number {
  const period = PERIOD_MS[task]
  return Math.floor(time / period) * period + period
}

export interface ScheduledRun {
  task: ScheduledTaskName
  /** The boundary it was due at, or the press time for fireNow. */
  due: number
  trigger: 'schedule' | 'manual'
  status: 'running' | 'ok' | 'error' | 'skipped'
  startedAt: number
  endedAt?: number
  error?: string
}

export interface SchedulerOptions {
  clock: Clock
  plugin: PluginRef
  /** The scheduled tasks the plugin exports; others are ignored. */
  tasks: readonly string[]
  /** Runs the plugin's task with meta. */
  invoke(task: ScheduledTaskName): Promise<unknown>
  sink: EngineSink
  /** Called after every run record changes (for the `scheduled` records of --json and the inspector). */
  onRun?(run: ScheduledRun): void
}

export interface Scheduler {
  /** Arms the next boundary of every task. */
  start(): void
  /** Disarms the timers and waits for runs still going (PostHog's waitForTasksToFinish). */
  stop(): Promise<void>
  /** The studio's "run now" button: same debounce, same error handling. */
  fireNow(task: ScheduledTaskName): Promise<ScheduledRun>
  /** Next due time per armed task, soonest first. */
  nextRuns(): { task: ScheduledTaskName; at: number; cron: string }[]
  running(): ScheduledTaskName[]
  history(): ScheduledRun[]
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { clock, plugin, sink } = options
  const tasks = SCHEDULED_TASKS.filter((t) => options.tasks.includes(t))
  /** Next due time per task; one clock timer for the soonest, so tasks due together run minute → hour → day. */
  const armed = new Map<ScheduledTaskName, number>()
  let timer: { id: TimerId; at: number } | null = null
  const inFlight = new Map<ScheduledTaskName, Promise<void>>()
  const runs: ScheduledRun[] = []
  let started = false

  function record(run: ScheduledRun): ScheduledRun {
    options.onRun?.({ ...run })
    return run
  }

  function armTimer(): void {
    if (timer) clock.cancel(timer.id)
    timer = null
    if (!started || armed.size === 0) return
    const at = Math.min(...armed.values())
    const due = tasks.filter((t) => armed.get(t) === at)
    timer = { at, id: clock.at(at, () => tick(at), due.join(' + '), { background: true }) }
  }

  async function tick(at: number): Promise<void> {
    timer = null
    if (!started) return
    const due = tasks.filter((t) => armed.get(t) === at)
    // The crons keep ticking whatever these runs do.
    for (const task of due) armed.set(task, nextBoundary(task, at))
    armTimer()
    for (const task of due) await run(task, at, 'schedule')
  }

  async function run(task: ScheduledTaskName, due: number, trigger: ScheduledRun['trigger']): Promise<ScheduledRun> {
    const startedAt = clock.now()
    if (inFlight.has(task)) {
      const skipped: ScheduledRun = { task, due, trigger, status: 'skipped', startedAt, endedAt: startedAt }
      runs.push(skipped)
      sink.log(logEntry(plugin, 'debug', 'SYSTEM', STUDIO_scheduleSkipped(task), startedAt))
      return record(skipped)
    }
    const entry: ScheduledRun = { task, due, trigger, status: 'running', startedAt }
    runs.push(entry)
    record(entry)
    const done = (async () => {
      try {
        await options.invoke(task)
        entry.status = 'ok'
      } catch (error) {
        entry.status = 'error'
        entry.error = errorText(error)
        processError(sink, plugin, clock.now(), error)
      } finally {
        entry.endedAt = clock.now()
        inFlight.delete(task)
        record(entry)
      }
    })()
    inFlight.set(task, done)
    await done
    return entry
  }

  return {
    start() {
      if (started) return
      started = true
      for (const task of tasks) armed.set(task, nextBoundary(task, clock.now()))
      armTimer()
    },
    async stop() {
      started = false
      armed.clear()
      armTimer()
      await Promise.allSettled([...inFlight.values()])
    },
    fireNow(task) {
      if (!tasks.includes(task)) {
        return Promise.reject(new Error(`The plugin "${plugin.name}" does not export ${task}; it exports ${tasks.length ? tasks.join(', ') : 'no scheduled tasks'}`))
      }
      return run(task, clock.now(), 'manual')
    },
    nextRuns: () =>
      [...armed.entries()].map(([task, at]) => ({ task, at, cron: SCHEDULE_CRONS[task] })).sort((a, b) => a.at - b.at || SCHEDULED_TASKS.indexOf(a.task) - SCHEDULED_TASKS.indexOf(b.task)),
    running: () => [...inFlight.keys()],
    history: () => runs.map((r) => ({ ...r })),
  }
}
