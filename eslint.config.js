import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import { importBoundaries } from './eslint/import-boundaries.js'

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'release/**', '.cache/**', 'test-results/**', 'bench/results/**', 'e2e/fixtures/**/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { noInlineConfig: false, reportUnusedDisableDirectives: 'error' },
    plugins: { studio: { rules: { 'import-boundaries': importBoundaries } } },
    rules: {
      'studio/import-boundaries': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Plugin fixtures are plugin code as users write it, loaded by the runtime, not part of the app.
    files: ['**/fixtures/**', 'sample-events/**', 'runtime/templates/**', 'main/services/templates/**'],
    rules: { 'studio/import-boundaries': 'off', '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-unused-vars': 'off', '@typescript-eslint/consistent-type-imports': 'off', 'no-undef': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
)
