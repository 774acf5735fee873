import { afterEach, describe, expect, jest, test } from '@jest/globals'
import { RetryError } from '@posthog/plugin-scaffold'
import { exportEvents, setupPlugin } from './index.js'

// A hand-made meta with just what this plugin uses.
const meta = (config) => ({ config: { webhookUrl: 'https://hooks.example.com/in', apiKey: 'key-1', ...config }, global: {} })

function exported(name) {
  return {
    distinct_id: 'user-1',
    ip: null,
    team_id: 1,
    event: name,
    timestamp: '2024-01-01T00:00:00.000Z',
    uuid: '0190f6a4-0000-7000-8000-000000000001',
    properties: { plan: 'free' },
  }
}

const realFetch = global.fetch
afterEach(() => {
  global.fetch = realFetch
})

function fakeFetch(status) {
  const fake = jest.fn(async () => ({ status, ok: status >= 200 && status < 300 }))
  global.fetch = fake
  return fake
}

describe('exportEvents', () => {
  test('POSTs the batch as JSON with the API key', async () => {
    const fetched = fakeFetch(200)
    await exportEvents([exported('$pageview'), exported('signed_up')], meta({}))
    expect(fetched).toHaveBeenCalledTimes(1)
    const [url, init] = fetched.mock.calls[0]
    expect(url).toBe('https://hooks.example.com/in')
    expect(init.headers.Authorization).toBe('Bearer key-1')
    expect(JSON.parse(init.body).batch.map((e) => e.event)).toEqual(['$pageview', 'signed_up'])
  })

  test('asks PostHog to retry when the webhook is down', async () => {
    fakeFetch(503)
    await expect(exportEvents([exported('$pageview')], meta({}))).rejects.toBeInstanceOf(RetryError)
  })

  test('does not retry a refused batch', async () => {
    fakeFetch(400)
    await expect(exportEvents([exported('$pageview')], meta({}))).rejects.toThrow('Webhook answered 400')
  })

  test('refuses a URL that is not http(s) when loading', () => {
    expect(() => setupPlugin(meta({ webhookUrl: 'ftp://x' }))).toThrow('must start with http')
  })
})
