import { afterEach, describe, expect, jest, test } from '@jest/globals'
import type { Meta, PluginEvent } from '@posthog/plugin-scaffold'
import { processEvent, runEveryMinute, type ScheduledInput } from './index'

// A hand-made meta: config plus an in-memory stand-in for meta.cache.
function makeMeta(statusUrl: string) {
  const values = new Map<string, unknown>()
  const cache = {
    get: async (key: string, defaultValue: unknown) => (values.has(key) ? values.get(key) : defaultValue),
    set: async (key: string, value: unknown) => {
      values.set(key, value)
    },
  }
  return { config: { statusUrl }, cache, global: {} } as unknown as Meta<ScheduledInput>
}

function pageview(): PluginEvent {
  return {
    distinct_id: 'user-1',
    ip: '127.0.0.1',
    site_url: 'http://localhost:8000',
    team_id: 1,
    now: '2024-01-01T00:00:00.000Z',
    event: '$pageview',
    uuid: '0190f6a4-0000-7000-8000-000000000001',
    properties: { plan: 'free' },
  }
}

const realFetch = global.fetch
afterEach(() => {
  global.fetch = realFetch
})

describe('runEveryMinute + processEvent', () => {
  test('the fetched status is added to events', async () => {
    const fake = jest.fn(async (_url: string) => ({ ok: true, status: 200, json: async () => ({ status: 'operational' }) }))
    global.fetch = fake as unknown as typeof fetch
    const meta = makeMeta('https://status.example.com/api.json')
    await runEveryMinute(meta)
    expect(fake).toHaveBeenCalledWith('https://status.example.com/api.json')
    const result = await processEvent(pageview(), meta)
    expect(result.properties).toEqual({ plan: 'free', service_status: 'operational' })
  })

  test('events pass unchanged before the first fetch', async () => {
    const event = pageview()
    expect(await processEvent(event, makeMeta(''))).toEqual(event)
  })

  test('a failing status URL is an error', async () => {
    global.fetch = (async () => ({ ok: false, status: 502 })) as unknown as typeof fetch
    await expect(runEveryMinute(makeMeta('https://status.example.com/api.json'))).rejects.toThrow('answered 502')
  })
})
