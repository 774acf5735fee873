// CI gate for the Electron shell: @doyensec/electronegativity finds nothing of medium severity or above
// that is not explained in electronegativity.config.ts, and every explanation still matches a finding.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import os from 'node:os'
import path from 'node:path'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { formatReport, passes, runElectronegativity } from './electronegativity.ts'

test('electronegativity over main/electron: no unexplained finding of medium severity or above', async () => {
  const report = await runElectronegativity()
  console.log(formatReport(report))
  assert.ok(report.checks > 30, `only ${report.checks} checks loaded`)
  assert.deepEqual(report.parseErrors, [], 'every file of main/electron must parse, or its findings are hidden')
  assert.deepEqual(report.unexplained, [])
  assert.deepEqual(report.stale, [])
  assert.ok(passes(report))
})

test('electronegativity fails a window without isolation or sandbox and an unchecked openExternal', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'electronegativity-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await writeFile(
    path.join(dir, 'bad-window.js'),
    "const { BrowserWindow, shell } = require('electron')\nconst w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } })\nw.webContents.on('new-window', (e, url) => shell.openExternal(url))\n",
  )
  const report = await runElectronegativity(dir)
  const ids = new Set(report.unexplained.map((finding) => finding.id))
  for (const id of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']) assert.ok(ids.has(id), `${id} in ${[...ids].join(', ')}`)
  assert.equal(passes(report), false)
})
