// The host operations of a plugin's meta that are not stores: meta.jobs (into the plugin's job queue
// on the clock) and posthog.api (answered by the configured stub, recorded).
import type { LogEntry } from '../common/plugin/event.ts'
import type { PosthogApiStub } from '../common/protocol/runtime.ts'
import type { JobWhen } from './plugin-engines.ts'
import type { PluginInstance } from './plugin-instance.ts'
import type { RecordBook } from './pipeline-records.ts'
import { iso } from './pipeline-records.ts'
import { answerApi } from './posthog-api-stub.ts'
import type { ApiRequest } from './posthog-api-stub.ts'

export interface MetaHandlerContext {
  stubs: PosthogApiStub[]
  book: RecordBook
  now(): number
  log(entry: LogEntry): void
}

export function metaHandlers(plugin: PluginInstance, ctx: MetaHandlerContext): Record<string, (args: unknown[]) => Promise<unknown>> {
  return {
    jobs: async (args) => {
      const [name, json, when, failure] = args as [string, string | null, JobWhen, string | null]
      if (!plugin.engines) throw new Error('The plugin has no job queue (it did not load)')
      return plugin.engines.enqueue(String(name), json, when, failure)
    },
    posthogApi: async (args) => {
      const request = args[0] as ApiRequest
      const answer = answerApi(ctx.stubs, request)
      ctx.book.apiCalls.push({ time: iso(ctx.now()), plugin: plugin.id, ...request, status: answer.status, stubbed: answer.stubbed })
      if (!answer.stubbed) ctx.log(plugin.log('warn', 'SYSTEM', (JSON.parse(answer.body) as { detail: string }).detail))
      return { status: answer.status, statusText: answer.statusText, headers: answer.headers, body: answer.body }
    },
  }
}
