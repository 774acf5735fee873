// Electron main process entry (bundled to out/electron/main.cjs by scripts/build.ts).
// Everything testable lives in desktop-app.ts; this file only hands it the real 'electron'.
import path from 'node:path'
import * as electron from 'electron'
import { prepareDesktop, startDesktop, type DesktopElectron } from './desktop-app.ts'

const { app, dialog } = electron
const shell: DesktopElectron = electron

/** `electron . <dir>` in a clone, `plugin-studio <dir>` packaged, or PLUGIN_STUDIO_WORKSPACE. */
function workspaceArgument(): string | undefined {
  const args = process.argv.slice(app.isPackaged ? 1 : 2).filter((arg) => !arg.startsWith('-') && arg !== '.')
  return args[0] ?? process.env.PLUGIN_STUDIO_WORKSPACE ?? undefined
}

/** The packaged app ships its own Node for the plugin runtime (electron-builder extraResources). */
function bundledNode(): string | undefined {
  if (!app.isPackaged) return undefined
  return path.join(process.resourcesPath, 'node', process.platform === 'win32' ? 'node.exe' : 'node')
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  prepareDesktop(shell)
  const appPath = app.getAppPath()
  startDesktop(shell, {
    rendererDir: path.join(appPath, 'out', 'renderer'),
    preloadPath: path.join(appPath, 'out', 'electron', 'preload.cjs'),
    workspaceDir: workspaceArgument(),
    nodePath: bundledNode(),
  }).then(
    (desktop) => {
      app.on('second-instance', () => desktop.window.focus())
      app.on('window-all-closed', () => app.quit())
    },
    (error: Error) => {
      dialog.showErrorBox('Plugin Studio could not start', error.message)
      app.exit(1)
    },
  )
}
