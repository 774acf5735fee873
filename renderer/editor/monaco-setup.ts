// Monaco, offline: the ESM build with its workers bundled by Vite (`?worker`), the plugin API as an
// extra lib for TypeScript/JavaScript IntelliSense, and plugin.json validated against PostHog's format.
import * as monaco from 'monaco-editor'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker'
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker'
import { PLUGIN_API_DTS } from './plugin-api-dts.ts'
import { PLUGIN_JSON_SCHEMA, PLUGIN_JSON_SCHEMA_URI } from '../../common/plugin/plugin-json.schema.ts'

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment
  }
}

let done = false

export function setupMonaco(): typeof monaco {
  if (done) return monaco
  done = true
  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string) {
      if (label === 'typescript' || label === 'javascript') return new TsWorker()
      if (label === 'json') return new JsonWorker()
      return new EditorWorker()
    },
  }

  const ts = monaco.typescript
  const compilerOptions: monaco.typescript.CompilerOptions = {
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    // Plugins run in a V8 sandbox with no DOM: only the language's own library plus the API's globals.
    lib: ['esnext'],
    strict: true,
    // PostHog strips types without checking them; untyped parameters are normal in plugins.
    noImplicitAny: false,
    allowJs: true,
    // As in VS Code: JavaScript gets completions and hovers from JSDoc; type errors only with // @ts-check.
    checkJs: false,
    allowNonTsExtensions: true,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    isolatedModules: true,
    noEmit: true,
  }
  for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) {
    defaults.setCompilerOptions(compilerOptions)
    defaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false })
    defaults.addExtraLib(PLUGIN_API_DTS, 'file:///node_modules/@types/posthog-plugin/index.d.ts')
    defaults.setEagerModelSync(true)
  }

  monaco.json.jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    trailingCommas: 'error',
    enableSchemaRequest: false,
    schemas: [{ uri: PLUGIN_JSON_SCHEMA_URI, fileMatch: ['**/plugin.json', 'plugin.json'], schema: PLUGIN_JSON_SCHEMA }],
  })

  monaco.editor.defineTheme('studio-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': '#1b1d23',
      'editor.lineHighlightBackground': '#23262e',
      'editorGutter.background': '#1b1d23',
      'editorLineNumber.foreground': '#5a606e',
      'editorLineNumber.activeForeground': '#c3c8d4',
    },
  })
  return monaco
}

export { monaco }
