// Benchmark plugin: a property filter that parses its config once into `global` in setupPlugin.
export function setupPlugin({ config, global }) {
  global.paths = config.properties
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split('.'))
  global.removed = 0
}

export function processEvent(event, { global }) {
  if (!event.properties) return event
  for (const path of global.paths) {
    let target = event.properties
    for (let i = 0; i < path.length - 1 && target; i++) target = target[path[i]]
    const last = path[path.length - 1]
    if (target && typeof target === 'object' && last in target) {
      delete target[last]
      global.removed++
    }
  }
  if (event.ip && global.paths.some((p) => p[0] === '$ip')) event.ip = null
  return event
}
