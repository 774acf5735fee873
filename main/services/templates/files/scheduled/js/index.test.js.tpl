import { afterEach, describe, expect, jest, test } from '@jest/globals'
import { processEvent, runEveryMinute } from './index.js'

// A hand-made meta: config plus an in-memory stand-in for meta.cache.
function makeMeta(statusUrl) {
  const values = new Map()
  const cache = {
    get: async (key, defaultValue) => (values.has(key) ? values.get(key) : defaultValue),
    set: async (key, value) => {
      values.set(key, value)
    },
  }
  return { config: { statusUrl }, cache, global: {} }
}

function pageview() {
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
    const fake = jest.fn(async () => ({ ok: true, status: 200, json: async () => ({ status: 'operational' }) }))
    global.fetch = fake
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
    global.fetch = async () => ({ ok: false, status: 502 })
    await expect(runEveryMinute(makeMeta('https://status.example.com/api.json'))).rejects.toThrow('answered 502')
  })
})
