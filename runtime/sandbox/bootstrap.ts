// Builds the script every plugin isolate runs before the plugin: the *.isolate.ts files (types stripped
// and their constants inlined by esbuild), preceded by the npm `buffer` package bundled as a lazy
// factory. Built once per process; V8's code cache makes the compile in each new isolate cheap.
import { buildSync } from 'esbuild'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { INTERNAL_GLOBAL } from './sandbox.constants.ts'
import { hostFunctions } from './host-functions.ts'

const here = dirname(fileURLToPath(import.meta.url))
/** In run order: each reads and extends the shared internal object; the driver removes it. */
const ISOLATE_FILES = ['globals.isolate.ts', 'modules.isolate.ts', 'meta.isolate.ts', 'driver.isolate.ts']
export const HOST_FUNCTION_PREFIX = '__studioHost_'

function bundleBuffer(): string {
  const require = createRequire(import.meta.url)
  let bufferEntry: string
  try {
    bufferEntry = require.resolve('buffer/')
  } catch {
    throw new Error("The npm package 'buffer' is missing: the sandbox's Buffer is built from it (npm install)")
  }
  const out = buildSync({
    entryPoints: [bufferEntry],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__studioBufferLib',
    platform: 'neutral',
    mainFields: ['main'],
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
  })
  return out.outputFiles[0].text
}

function buildIsolateFile(file: string): string {
  const out = buildSync({
    entryPoints: [join(here, file)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'silent',
  })
  return out.outputFiles[0].text
}

let cached: string | undefined
export function bootstrapSource(): string {
  if (cached) return cached
  const hostNames = JSON.stringify(Object.keys(hostFunctions))
  const prologue = `(function () {
  const S = { host: {} };
  Object.defineProperty(globalThis, ${JSON.stringify(INTERNAL_GLOBAL)}, { configurable: true, value: S });
  for (const name of ${hostNames}) {
    const key = ${JSON.stringify(HOST_FUNCTION_PREFIX)} + name;
    S.host[name] = globalThis[key];
    delete globalThis[key];
  }
  S.makeBuffer = function () {
    ${bundleBuffer()}
    return __studioBufferLib;
  };
})();`
  cached = [prologue, ...ISOLATE_FILES.map(buildIsolateFile)].join('\n')
  return cached
}
