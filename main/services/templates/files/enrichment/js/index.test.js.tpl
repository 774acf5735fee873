import { describe, expect, test } from '@jest/globals'
import { processEvent } from './index.js'

// A hand-made meta with just what this plugin uses.
const meta = { config: { tag: 'enriched' }, global: {} }

function pageview(properties) {
  return {
    distinct_id: 'user-1',
    ip: '127.0.0.1',
    site_url: 'http://localhost:8000',
    team_id: 1,
    now: '2024-01-01T00:00:00.000Z',
    event: '$pageview',
    uuid: '0190f6a4-0000-7000-8000-000000000001',
    properties,
  }
}

describe('processEvent', () => {
  test('adds the tag and the URL path', () => {
    const result = processEvent(pageview({ $current_url: 'https://example.com/docs/intro?x=1' }), meta)
    expect(result.properties).toEqual({
      $current_url: 'https://example.com/docs/intro?x=1',
      plugin_tag: 'enriched',
      url_path: '/docs/intro',
      url_depth: 2,
    })
  })

  test('keeps events without a URL', () => {
    const result = processEvent(pageview({ plan: 'free' }), meta)
    expect(result.properties).toEqual({ plan: 'free', plugin_tag: 'enriched' })
  })
})
