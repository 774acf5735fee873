import { Runner } from './main/services/runner/runner.ts'
import { fixtureDir, makeEvent } from './main/services/runner/test-fixtures.ts'
const runner = await Runner.start({ onCrash: (i) => console.log('CRASH', i.message.slice(0, 100)) })
await runner.load({ plugins: [{ id: 'h', dir: fixtureDir('hostile/jobs-self-scheduling'), config: {}, attachments: {} }, { id: 'n', dir: fixtureDir('hostile-neighbour'), config: {}, attachments: {} }], options: { timeoutMs: 1000, memoryMb: 64, teamId: 2 } })
await runner.processEvents([makeEvent()])
await runner.processEvents([makeEvent(), makeEvent()])
let st = await runner.state(); console.log('queued', st.plugins[0].queuedJobs.length)
const timer = setTimeout(() => { console.log('runUntilIdle > 60 s'); process.kill(runner.pid!, 'SIGKILL'); process.exit(1) }, 60000)
let t = performance.now(); const i = await runner.runUntilIdle(); console.log('idle', Math.round(performance.now() - t), 'ms truncated', i.truncated, 'fired', i.fired.length, 'logs', i.logs.length)
t = performance.now(); const a = await runner.advance(61000); console.log('advance', Math.round(performance.now() - t), 'ms truncated', a.truncated, 'fired', a.fired.length)
clearTimeout(timer)
await runner.close()
