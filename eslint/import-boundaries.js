// The folder rules of DESIGN.md §2 as one deny-by-default lint rule: every file must fall under
// a zone, and every import (type-only ones too) must be allowed for that zone.
import path from 'node:path'
import { builtinModules } from 'node:module'

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))
// Packages with no environment of their own that the shared code may use.
const PORTABLE_PACKAGES = new Set(['ajv', 'jsondiffpatch', 'jsonc-parser'])
const NEVER_OUTSIDE_RUNTIME = new Set(['isolated-vm'])

/** Zones in match order; `allow` lists repo folders/files (prefixes) a zone may import. */
const ZONES = [
  { name: 'isolate code', match: /^runtime\/.*\.isolate\.ts$/, allow: ['runtime/sandbox/'], onlyConstants: true, node: false, packages: () => false },
  { name: 'common', match: /^common\//, allow: ['common/'], node: false, packages: (p) => PORTABLE_PACKAGES.has(p) },
  { name: 'runtime', match: /^runtime\//, allow: ['common/', 'runtime/'], node: true, packages: (p) => !isUiOrShell(p) },
  { name: 'main/electron', match: /^main\/electron\//, allow: ['common/', 'main/'], node: true, packages: (p) => !isUi(p) && !NEVER_OUTSIDE_RUNTIME.has(p) },
  { name: 'main/services', match: /^main\/services\//, allow: ['common/', 'main/services/'], node: true, packages: (p) => !isUiOrShell(p) && !NEVER_OUTSIDE_RUNTIME.has(p) },
  { name: 'main front doors', match: /^main\/(server\/|cli\/|cli\.ts$|compose\.ts$)/, allow: ['common/', 'main/services/', 'main/compose.ts', 'main/server/', 'main/cli/', 'main/cli.ts'], node: true, packages: (p) => !isUiOrShell(p) && !NEVER_OUTSIDE_RUNTIME.has(p) },
  // The renderer's build config runs in Node; the renderer itself in the browser.
  { name: 'renderer build config', match: /^renderer\/vite\.config\.ts$/, allow: ['renderer/', 'common/'], node: true, packages: () => true },
  { name: 'renderer', match: /^renderer\//, allow: ['common/', 'renderer/'], node: false, packages: (p) => p !== 'electron' && !NEVER_OUTSIDE_RUNTIME.has(p) },
  // Tooling: builds, tests from outside, benchmarks. They may look at everything.
  { name: 'tooling', match: /^(scripts|bench|e2e|eslint|bin|test-support)\/|^[^/]+\.(js|ts|mjs|cjs)$/, allow: [''], node: true, packages: () => true },
]

function isUi(p) {
  return p === 'react' || p === 'react-dom' || p.startsWith('monaco-editor')
}
function isUiOrShell(p) {
  return isUi(p) || p === 'electron'
}
function packageName(specifier) {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

export const importBoundaries = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const root = context.cwd
    const file = path.relative(root, context.filename).split(path.sep).join('/')
    let zone = ZONES.find((z) => z.match.test(file))
    // Tests of a zone run in Node and may use test packages, but still only their zone's folders.
    if (zone && /\.test\.tsx?$/.test(file)) zone = { ...zone, name: `${zone.name} tests`, allow: [...zone.allow, 'test-support/'], node: true, onlyConstants: false, packages: () => true }
    if (!zone) {
      return {
        Program(node) {
          context.report({ node, message: `${file} is in no zone of DESIGN.md §2; add a rule for it in eslint/import-boundaries.js.` })
        },
      }
    }
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return
      const fail = (why) => context.report({ node, message: `${zone.name} may not import '${specifier}': ${why} (DESIGN.md §2).` })
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = path.relative(root, path.resolve(path.dirname(context.filename), specifier)).split(path.sep).join('/')
        if (!zone.allow.some((prefix) => target === prefix || target.startsWith(prefix))) return fail(`${target} is outside ${zone.allow.join(', ') || 'its zone'}`)
        if (zone.onlyConstants && !/\.(constants|isolate)\.ts$/.test(target)) return fail('isolate code may import only constants')
        return
      }
      if (NODE_BUILTINS.has(specifier)) {
        if (!zone.node) fail('Node built-ins are not available here')
        return
      }
      if (!zone.packages(packageName(specifier))) fail('that package does not belong in this environment')
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node, node.arguments[0].value)
      },
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference.type === 'TSExternalModuleReference') check(node, node.moduleReference.expression.value)
      },
    }
  },
}
