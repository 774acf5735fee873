import { beforeEach, describe, expect, test } from '@jest/globals'
import type { Meta, PluginEvent } from '@posthog/plugin-scaffold'
import { processEvent, setupPlugin, type FilterInput } from './index'

let meta: Meta<FilterInput>

beforeEach(() => {
  // A hand-made meta with just what this plugin uses; setupPlugin fills in `global`.
  meta = {
    config: { eventsToDrop: '$autocapture, $feature_flag_called', dropInternalUsers: 'Yes', internalDomain: 'example.com' },
    global: {},
  } as unknown as Meta<FilterInput>
  setupPlugin(meta)
})

function event(name: string, properties: Record<string, unknown> = {}): PluginEvent {
  return {
    distinct_id: 'user-1',
    ip: '127.0.0.1',
    site_url: 'http://localhost:8000',
    team_id: 1,
    now: '2024-01-01T00:00:00.000Z',
    event: name,
    uuid: '0190f6a4-0000-7000-8000-000000000001',
    properties,
  }
}

describe('processEvent', () => {
  test('drops the listed event names', () => {
    expect(processEvent(event('$autocapture'), meta)).toBeNull()
    expect(processEvent(event('$feature_flag_called'), meta)).toBeNull()
  })

  test('drops internal users', () => {
    expect(processEvent(event('$pageview', { email: 'me@example.com' }), meta)).toBeNull()
  })

  test('keeps everything else unchanged', () => {
    const pageview = event('$pageview', { email: 'someone@customer.io' })
    expect(processEvent(pageview, meta)).toEqual(pageview)
  })
})
