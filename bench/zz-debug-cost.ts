import { Runner } from '../main/services/runner/runner.ts'
import { loadFixtures, makeEvent } from '../main/services/runner/test-fixtures.ts'
const runner = await Runner.start()
for (const [name, plugins] of [['debug-target', ['debug-target']], ['esm-enrich', ['esm-enrich']]] as const) {
  for (const debug of [false, true, false, true]) {
    await loadFixtures(runner, [...plugins], { debug, timeoutMs: 5000 })
    if (debug) await runner.debugSetBreakpoints([])
    const events = Array.from({ length: 1000 }, () => makeEvent())
    await runner.processEvents(events.slice(0, 100))
    const t = performance.now()
    for (let i = 0; i < 5; i++) await runner.processEvents(events)
    const ms = (performance.now() - t) / 5
    let single = performance.now()
    for (let i = 0; i < 50; i++) await runner.processEvents([events[i]])
    single = (performance.now() - single) / 50
    const lt = performance.now()
    await loadFixtures(runner, [...plugins], { debug, timeoutMs: 5000 })
    const load = performance.now() - lt
    console.log(`${name} debug=${debug}: 1000 events ${ms.toFixed(1)} ms (${(1000 / ms * 1000).toFixed(0)} ev/s), one-event step ${single.toFixed(2)} ms, load ${load.toFixed(0)} ms`)
  }
}
await runner.close()
