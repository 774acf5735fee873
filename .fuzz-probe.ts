import { parsePluginJson } from './common/plugin/plugin-json.ts'
import { validatePluginJson } from './common/plugin/validate.ts'
const which = process.argv[2]
const t = performance.now()
const depth = 100000
const texts: Record<string, string> = {
  deepArray: `{"name":"deep","config":${'['.repeat(depth) + ']'.repeat(depth)}}`,
  deepObject: `{"name":"deep","config":{"k":${'{"a":'.repeat(depth) + '1' + '}'.repeat(depth)}}}`,
  bigString: JSON.stringify({ name: 'big', config: { k: 'v'.repeat(10 * 2 ** 20) } }),
  badFields: JSON.stringify({ name: 'big', config: Array.from({ length: 20_000 }, (_, i) => ({ key: i, type: 'boolean', required: 'yes', choices: 'a' })) }, null, 1),
  dupKeys: `{"name":"dup",${Array.from({ length: 200_000 }, () => '"x":1').join(',')}}`,
}
const fn = process.argv[3] === 'v' ? validatePluginJson : parsePluginJson
try { const r = fn(texts[which]); console.log(which, process.argv[3], Math.round(performance.now() - t), 'ms', JSON.stringify(r).slice(0, 200)) } catch (e) { console.log(which, process.argv[3], 'THROWS', Math.round(performance.now() - t), String(e).slice(0, 200)) }
