// Shared by the runner's tests: fixture plugin folders (runtime/fixtures/, reached by path, never
// imported), realistic events, and a load helper. Tests drive everything through the real process.
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PluginEvent } from '../../../common/plugin/event.ts'
import type { LoadResult, PluginSpec, RuntimeOptions } from '../../../common/protocol/runtime.ts'
import type { Runner } from './runner.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

export function fixtureDir(name: string): string {
  return resolve(root, 'runtime/fixtures', name)
}

let counter = 0
export function makeEvent(overrides: Partial<PluginEvent> = {}): PluginEvent {
  counter++
  return {
    uuid: `0189a7b0-0000-7000-8000-${String(counter).padStart(12, '0')}`,
    event: '$pageview',
    distinct_id: `user-${counter}`,
    ip: '127.0.0.1',
    site_url: 'http://localhost:8000',
    team_id: 2,
    now: '2024-05-01T10:00:00.000Z',
    timestamp: '2024-05-01T10:00:00.000Z',
    properties: { $current_url: 'https://example.com/pricing?plan=pro', $browser: 'Firefox', $os: 'Linux' },
    ...overrides,
  }
}

export const TEST_OPTIONS: RuntimeOptions = { timeoutMs: 2000, memoryMb: 64, teamId: 2 }

export function spec(name: string, extra: Partial<PluginSpec> = {}): PluginSpec {
  return { id: name, dir: fixtureDir(name), config: {}, attachments: {}, ...extra }
}

export async function loadFixtures(runner: Runner, names: (string | PluginSpec)[], options: Partial<RuntimeOptions> = {}): Promise<LoadResult> {
  return runner.load({ plugins: names.map((n) => (typeof n === 'string' ? spec(n) : n)), options: { ...TEST_OPTIONS, ...options } })
}
