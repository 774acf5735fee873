// The application menu. Studio commands (Save, Run, Step, …) are sent to the renderer as `command`
// events, so their shortcuts work wherever the focus is — in Monaco too.
import type { MenuItemConstructorOptions } from 'electron'
import type { StudioCommand } from '../../common/protocol/studio.ts'

export interface MenuActions {
  send(command: StudioCommand): void
  openFolder(): void
}

export function menuTemplate(platform: NodeJS.Platform, appName: string, actions: MenuActions): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin'
  const command = (label: string, studioCommand: StudioCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => actions.send(studioCommand),
  })
  const template: MenuItemConstructorOptions[] = []
  if (isMac) {
    template.push({
      label: appName,
      submenu: [{ role: 'about' }, { type: 'separator' }, command('Settings…', 'openSettings', 'Cmd+,'), { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    })
  }
  template.push(
    {
      label: '&File',
      submenu: [
        command('New Plugin…', 'newPlugin', 'CmdOrCtrl+N'),
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFolder() },
        { type: 'separator' },
        command('Save', 'save', 'CmdOrCtrl+S'),
        { type: 'separator' },
        command('Publish…', 'publish'),
        ...(isMac ? [] : [{ type: 'separator' } as const, command('Settings…', 'openSettings', 'Ctrl+,')]),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: '&Run',
      submenu: [command('Run', 'run', 'F5'), command('Step', 'step', 'F10'), command('Run All', 'runAll', 'Shift+F5'), { type: 'separator' }, command('Reset', 'reset')],
    },
    {
      label: '&View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, { type: 'separator' }, { role: 'toggleDevTools' }],
    },
    { label: '&Window', submenu: isMac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }] },
    { role: 'help', submenu: [{ role: 'about', label: `About ${appName}` }] },
  )
  return template
}
