import { describe, expect, test } from '@jest/globals'
import type { Meta, PluginEvent } from '@posthog/plugin-scaffold'
import { processEvent, type HelloInput } from './index'

// A hand-made meta with just what this plugin uses.
const meta = { config: { greeting: 'Hello from Plugin Studio' }, global: {} } as unknown as Meta<HelloInput>

describe('processEvent', () => {
  test('adds the greeting', () => {
    const event: PluginEvent = {
      distinct_id: 'user-1',
      ip: '127.0.0.1',
      site_url: 'http://localhost:8000',
      team_id: 1,
      now: '2024-01-01T00:00:00.000Z',
      event: '$pageview',
      uuid: '0190f6a4-0000-7000-8000-000000000001',
      properties: { plan: 'free' },
    }
    expect(processEvent(event, meta).properties).toEqual({ plan: 'free', greeting: 'Hello from Plugin Studio' })
  })
})
