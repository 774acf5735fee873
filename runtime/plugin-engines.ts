// The time-based machinery of one plugin config, on the pipeline's clock (PH-2022 semantics): its job
// queue (meta.jobs), the exportEvents buffer with its retry job, the scheduler for runEvery*, and the
// setupPlugin retrier. The pipeline supplies `call`, which runs a plugin method in the isolate and
// throws the plugin's error; the engines never touch the isolate themselves.
import type { Clock } from './clock.ts'
import type { ExportBuffer } from './export-buffer.ts'
import { createExportBuffer } from './export-buffer.ts'
import type { JobQueue } from './jobs.ts'
import { createJobQueue, durationToMs } from './jobs.ts'
import type { EngineSink, PluginRef } from './plugin-error.ts'
import { logEntry } from './plugin-error.ts'
import { SCHEDULED_TASKS_SETUP_FAILED } from './posthog-messages.ts'
import type { SetupRetrier } from './retry.ts'
import { createSetupRetrier } from './retry.ts'
import type { Scheduler } from './schedule.ts'
import { createScheduler } from './schedule.ts'
import type { PluginInstance } from './plugin-instance.ts'
import { INSTANCE_ID } from './plugin-instance.ts'

export interface EngineContext {
  clock: Clock
  sink: EngineSink
  /** Runs `method` of the plugin with one argument (null: none) in its isolate; rejects with the plugin's error. */
  call(method: string, arg: unknown): Promise<unknown>
}

/** What meta.jobs.<name>(payload).runNow/runIn/runAt sends from the isolate. */
export type JobWhen = { runNow: true } | { runIn: [number, string] } | { runAt: number }

export class PluginEngines {
  readonly ref: PluginRef
  readonly jobs: JobQueue
  readonly buffer: ExportBuffer | null
  readonly scheduler: Scheduler | null
  retrier: SetupRetrier
  private closed = false
  private readonly plugin: PluginInstance
  private readonly ctx: EngineContext

  constructor(plugin: PluginInstance, ctx: EngineContext) {
    this.plugin = plugin
    this.ctx = ctx
    this.ref = { id: plugin.id, name: plugin.name, configId: String(plugin.configId) }
    const { clock, sink } = ctx
    this.jobs = createJobQueue({
      clock,
      plugin: this.ref,
      sink,
      // PostHog's getTask: a plugin whose setup errored has no tasks ("Task … not found").
      jobNames: () => (this.retrier.state() === 'errored' ? [] : plugin.caps.jobs),
      invoke: (name, payload) => ctx.call(`job:${name}`, payload === undefined ? null : payload),
    })
    this.buffer = plugin.has('exportEvents')
      ? createExportBuffer({ clock, plugin: this.ref, sink, config: plugin.effectiveConfig, jobs: this.jobs, exportEvents: (batch) => ctx.call('exportEvents', batch) })
      : null
    this.scheduler =
      plugin.caps.scheduledTasks.length > 0
        ? createScheduler({ clock, plugin: this.ref, sink, tasks: plugin.caps.scheduledTasks, invoke: (task) => ctx.call(`schedule:${task}`, null) })
        : null
    this.retrier = this.newRetrier()
  }

  /** A fresh setupPlugin state (load, or a new isolate after a memory-limit kill). */
  newRetrier(): SetupRetrier {
    this.retrier?.cancel()
    const retrier = createSetupRetrier({
      clock: this.ctx.clock,
      plugin: this.ref,
      sink: this.ctx.sink,
      instanceId: INSTANCE_ID,
      runSetup: async () => {
        if (this.plugin.has('setupPlugin')) await this.ctx.call('setupPlugin', null)
      },
    })
    this.retrier = retrier
    if (this.scheduler) {
      // PostHog's getScheduledTasks: the crons run once setup is ready; a setup that errored means none.
      void retrier.settled().then((outcome) => {
        if (this.closed || this.retrier !== retrier) return
        if (outcome === 'ready') this.scheduler!.start()
        else this.ctx.sink.log(logEntry(this.ref, 'error', 'SYSTEM', SCHEDULED_TASKS_SETUP_FAILED, this.ctx.clock.now()))
      })
    }
    return retrier
  }

  /** The host side of meta.jobs: unit errors reject in the plugin; JSON failures are PostHog's "Failed to enqueue" line. */
  enqueue(name: string, payloadJson: string | null, when: JobWhen, failure: string | null): unknown {
    const now = this.ctx.clock.now()
    let at: number
    if ('runIn' in when) at = now + durationToMs(when.runIn[0], when.runIn[1])
    else if ('runAt' in when) at = when.runAt
    else at = now
    if (failure !== null) {
      this.jobs.enqueue(name, { toJSON: () => { throw new Error(failure) } }, at)
      return null
    }
    const job = this.jobs.enqueue(name, payloadJson === null ? undefined : JSON.parse(payloadJson), at)
    return job ? { type: name, payload: job.payload ?? null, runAt: new Date(job.runAt).toISOString(), delayMs: Math.max(0, job.runAt - now) } : null
  }

  /** Unload, after teardownPlugin: the schedule stops, no retries, waiting jobs are cancelled. */
  async stop(): Promise<void> {
    this.closed = true
    await this.scheduler?.stop()
    this.retrier.cancel()
    this.jobs.cancelAll()
  }
}
