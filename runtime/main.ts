// The plugin runtime process (started by main/services/runner or the CLI with --no-node-snapshot and
// an IPC channel): serves common/protocol/runtime.ts; every plugin runs in its own isolate.
import { serve } from '../common/rpc/rpc.ts'
import { RUNTIME_METHODS } from '../common/protocol/runtime.ts'
import type { RuntimeEvents, RuntimeMethods } from '../common/protocol/runtime.ts'
import { parentTransport } from './ipc-transport.ts'
import { Pipeline } from './pipeline.ts'
import { bootstrapSource } from './sandbox/bootstrap.ts'
import { startWatchdog } from './sandbox/watchdog.ts'
import { debugHub } from './debug/debug-hub.ts'

startWatchdog()
// The studio may close the channel at any moment (close() while this process was starting): a send
// on a closed channel is then an 'error' event (EPIPE, ERR_IPC_CHANNEL_CLOSED), not a crash; the
// channel's close (transport.onClose below) ends the process.
process.on('error', (error: NodeJS.ErrnoException) => {
  if (error?.code === 'EPIPE' || error?.code === 'ERR_IPC_CHANNEL_CLOSED' || !process.connected) return
  process.stderr.write(`plugin runtime: ${error?.stack ?? String(error)}\n`)
})
const transport = parentTransport()
// The pipeline emits through the server, which is created below (emits happen only during calls).
const pipeline = new Pipeline(
  (name, payload) => server.emit(name, payload),
  (fn) => serial(fn)(),
)

// One call at a time: a second request waits for the first (the isolates run on this thread anyway,
// and a load must not interleave with the events of the previous pipeline).
let queue: Promise<unknown> = Promise.resolve()
let inFlight = 0
function serial<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args: A) => {
    inFlight++
    const run = queue.then(() => fn(...args)).finally(() => inFlight--)
    queue = run.catch(() => undefined)
    return run
  }
}
debugHub.workInFlight = () => inFlight > 0

/** Work that runs plugin calls: a Pause asked for during it ends with it (the load before it keeps it). */
function pausable<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args: A) => fn(...args).finally(() => debugHub.workDone())
}

const impl: RuntimeMethods = {
  load: serial((request) => pipeline.load(request)),
  processEvents: serial(pausable((events) => pipeline.processEvents(events))),
  unload: serial(() => pipeline.unload()),
  status: async () => pipeline.status(),
  // A realtime clock's timers take their turn in the queue themselves: waiting for wall time must not hold it.
  advance: (ms) => (pipeline.realtime ? pipeline.advance(ms) : serial(pausable(() => pipeline.advance(ms)))()),
  runUntilIdle: () => (pipeline.realtime ? pipeline.runUntilIdle() : serial(pausable(() => pipeline.runUntilIdle()))()),
  fireScheduled: serial(pausable((request) => pipeline.fireScheduled(request))),
  state: async () => pipeline.state(),
  records: async () => pipeline.records(),
  feedCaptured: serial(pausable(() => pipeline.feedCaptured())),
  inspect: serial(() => pipeline.inspect()),
  // Not queued: they must answer while a call (holding the queue) is paused at a breakpoint.
  debugSetBreakpoints: (list) => debugHub.setBreakpoints(list),
  debugCommand: (command) => debugHub.command(command),
  debugEvaluate: (request) => debugHub.evaluate(request),
  debugGetProperties: (objectId) => debugHub.getProperties(objectId),
  debugCdpOpen: (request) => debugHub.cdpOpen(request),
  debugCdpSend: (request) => debugHub.cdpSend(request),
  debugCdpClose: (session) => debugHub.cdpClose(session),
}
const server = serve<RuntimeMethods, RuntimeEvents>(transport, impl, RUNTIME_METHODS)
debugHub.emit = (name, payload) => server.emit(name, payload)
transport.onClose(() => {
  void pipeline.unload().finally(() => process.exit(0))
})
// Build the isolate bootstrap now, not on the first load (it is the same for every plugin).
bootstrapSource()
if (process.connected) process.send?.({ kind: 'event', name: 'ready', payload: { pid: process.pid } }, undefined, undefined, () => undefined)
// Closed before this process got here (its 'disconnect' may have passed before onClose listened): end.
else process.exit(0)
