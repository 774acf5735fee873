// Connecting, loading a workspace, choosing the plugin to work on, creating plugins, settings and config.
import { connect } from '../../common/rpc/rpc.ts'
import type { Transport } from '../../common/rpc/transport.ts'
import type { ConfigPatch, CreatePluginRequest, SettingsPatch, StudioEvents, StudioMethods } from '../../common/protocol/studio.ts'
import { setClient, studio } from './client.ts'
import { forgetAllFiles, onOutsideChange, openFile, preloadPlugin, refreshFiles, refreshPlugins } from './file-actions.ts'
import { forgetResults, run, selectEventFile } from './run-actions.ts'
import { errorText, initialState, notify, store } from './studio-state.ts'
import { runCommand } from './commands.ts'
import { onEventFolderChange } from '../debugger/event-file-actions.ts'
import { initDebug, loadBreakpoints } from '../breakpoints/debug-state.ts'
import { revealPosition } from '../editor/editor-control.ts'

const LAST_PLUGIN_KEY = 'plugin-studio:last-plugin:'

export async function boot(openTransport: () => Promise<Transport>): Promise<void> {
  let transport: Transport
  try {
    transport = await openTransport()
  } catch (error) {
    store.set({ connection: { status: 'failed', message: errorText(error) } })
    return
  }
  const client = connect<StudioMethods, StudioEvents>(transport)
  setClient(client)
  transport.onClose((reason) => store.set({ connection: { status: 'closed', message: reason } }))
  client.on('fileChanged', (change) => void onOutsideChange(change).catch((error) => notify('error', errorText(error))))
  client.on('fileChanged', (change) => void onEventFolderChange(change).catch((error) => notify('error', errorText(error))))
  client.on('workspaceChanged', () => {
    forgetAllFiles()
    void loadWorkspace()
  })
  client.on('settingsChanged', (settings) => store.set({ settings }))
  // The run that was cut short names its events itself (Run all by range): the notice only counts them.
  client.on('runtimeCrashed', ({ message, lost }) =>
    notify('error', `The plugin runtime stopped: ${message.replace(/ Lost events: [\s\S]*$/, '')}${lost.length ? ` ${lost.length.toLocaleString()} event${lost.length === 1 ? ' was' : 's were'} not processed.` : ''}`),
  )
  client.on('command', ({ command }) => runCommand(command, 'menu'))
  // A pause opens the paused file at its line.
  initDebug(client, ({ callFrames: [top] }) => {
    if (top) void openFile(top.file).then(() => revealPosition(top.file, top.line, top.column), () => undefined)
  })
  store.set({ connection: { status: 'ready' } })
  await loadWorkspace()
}

export async function loadWorkspace(): Promise<void> {
  try {
    const [workspace, plugins, templates, eventFiles, settings] = await Promise.all([
      studio().workspaceInfo(),
      studio().listPlugins(),
      studio().listTemplates(),
      studio().listEventFiles(),
      studio().getSettings(),
    ])
    store.set({ ...initialState, connection: store.get().connection, workspace, plugins, templates, eventFiles, settings })
    void loadBreakpoints()
    const remembered = localStorage.getItem(LAST_PLUGIN_KEY + workspace.dir)
    const first = plugins.find((p) => p.id === remembered) ?? plugins[0]
    await Promise.all([eventFiles[0] && selectEventFile(eventFiles[0].id), first && selectPlugin(first.id)])
    if (first) await run()
  } catch (error) {
    notify('error', `Could not open the workspace: ${errorText(error)}`)
  }
}

/** Makes `plugin` the one edited and run: lists and preloads its files, opens its entry, reads its config. */
export async function selectPlugin(plugin: string): Promise<void> {
  const state = store.get()
  const summary = state.plugins.find((p) => p.id === plugin)
  if (!summary) return
  if (state.selectedPlugin !== plugin) forgetResults()
  store.set((s) => ({
    selectedPlugin: plugin,
    expanded: s.expanded.includes(plugin) ? s.expanded : [...s.expanded, plugin],
    config: null,
    // Tabs of other plugins without unsaved edits make way for this one's.
    openFiles: s.openFiles.filter((f) => f.dirty || f.path.startsWith(`${plugin}/`)),
  }))
  if (state.workspace) localStorage.setItem(LAST_PLUGIN_KEY + state.workspace.dir, plugin)
  await refreshFiles(plugin)
  // The entry first (that is what the user looks at), then the rest of the plugin's code and its config.
  await openFile(summary.entry ?? `${plugin}/plugin.json`)
  await Promise.all([preloadPlugin(plugin), refreshConfig()])
}

export async function createPlugin(request: CreatePluginRequest): Promise<void> {
  const summary = await studio().createPlugin(request)
  await refreshPlugins()
  await selectPlugin(summary.id)
  await run()
}

export async function refreshConfig(): Promise<void> {
  const plugin = store.get().selectedPlugin
  if (!plugin) return
  const config = await studio().getConfig(plugin)
  if (store.get().selectedPlugin === plugin) store.set({ config })
}

export async function updateConfig(patch: ConfigPatch): Promise<void> {
  const plugin = store.get().selectedPlugin
  if (!plugin) return
  const config = await studio().setConfig(plugin, patch)
  store.set({ config })
}

export async function updateSettings(patch: SettingsPatch): Promise<void> {
  const settings = await studio().updateSettings(patch)
  store.set({ settings })
}
