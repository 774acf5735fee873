import { Runner } from './main/services/runner/runner.ts'
import { fixtureDir, makeEvent } from './main/services/runner/test-fixtures.ts'
const runner = await Runner.start({ onCrash: (i) => console.log('CRASH', i.message.slice(0, 100)) })
for (const name of process.argv.slice(2)) {
  await runner.load({ plugins: [{ id: 'h', dir: fixtureDir('hostile/' + name), config: {}, attachments: {} }, { id: 'n', dir: fixtureDir('hostile-neighbour'), config: {}, attachments: {} }], options: { timeoutMs: 1000, memoryMb: 64, teamId: 2 } })
  const rs = await runner.processEvents([makeEvent(), makeEvent()])
  for (const r of rs) {
    const h = r.stages.filter((s) => s.plugin === 'h')
    const p = { ...(r.output?.properties ?? {}) } as Record<string, unknown>
    for (const k of Object.keys(p)) if (typeof p[k] === 'string' && (p[k] as string).length > 100) p[k] = `<${(p[k] as string).length} chars>`
    console.log(name, '|', h.map((s) => `${s.method}: ${s.error?.slice(0, 250)} jobs=${s.jobs?.length ?? 0} caps=${s.captures?.length ?? 0} ops=${s.ops.length}`).join(' ; '), '| logs', r.logs.length, r.logs.filter(l=>l.plugin==='h').map((l) => l.message.slice(0, 120)).slice(-3), '|', JSON.stringify(p).slice(0, 400))
  }
  await runner.unload()
}
await runner.close()
