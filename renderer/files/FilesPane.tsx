// The workspace's plugins and their files: open, create, rename, delete; "New plugin".
import { useState } from 'react'
import type { FileEntry, PluginSummary } from '../../common/protocol/studio.ts'
import { useStore } from '../state/store.ts'
import { attempt, store } from '../state/studio-state.ts'
import { createFile, deleteFile, openFile, renameFile, toggleExpanded } from '../state/file-actions.ts'
import { selectPlugin } from '../state/workspace-actions.ts'
import { Icon } from '../layout/icons.tsx'
import { NameDialog } from './NameDialog.tsx'
import { ConfirmDialog } from './ConfirmDialog.tsx'

type Action = { kind: 'new'; folder: string } | { kind: 'rename'; path: string } | { kind: 'delete'; path: string; isFolder: boolean }

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1)
const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')))

export function FilesPane() {
  const plugins = useStore(store, (s) => s.plugins)
  const [action, setAction] = useState<Action | null>(null)
  return (
    <section aria-label="Files" className="pane files-pane">
      <header className="pane-header">
        <h2>Files</h2>
        <button type="button" className="small" onClick={() => store.set({ dialog: 'newPlugin' })}>
          <Icon name="plus" />
          New plugin
        </button>
      </header>
      <div className="pane-body">
        {plugins.length === 0 && <p className="empty">No plugins in this workspace yet. Create one with “New plugin”.</p>}
        <ul className="plugin-list">
          {plugins.map((plugin) => (
            <PluginItem key={plugin.id} plugin={plugin} onAction={setAction} />
          ))}
        </ul>
      </div>
      {action?.kind === 'new' && (
        <NameDialog
          title="New file"
          label={`File name (in ${action.folder}/)`}
          initial=""
          submitLabel="Create"
          onSubmit={(name) => createFile(`${action.folder}/${name}`)}
          onClose={() => setAction(null)}
        />
      )}
      {action?.kind === 'rename' && (
        <NameDialog
          title={`Rename ${baseName(action.path)}`}
          label="New name"
          initial={baseName(action.path)}
          submitLabel="Rename"
          onSubmit={(name) => renameFile(action.path, parentOf(action.path) ? `${parentOf(action.path)}/${name}` : name)}
          onClose={() => setAction(null)}
        />
      )}
      {action?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${baseName(action.path)}?`}
          message={`${action.path}${action.isFolder ? ' and everything in it' : ''} will be deleted from disk.`}
          confirmLabel="Delete"
          onConfirm={() => deleteFile(action.path)}
          onClose={() => setAction(null)}
        />
      )}
    </section>
  )
}

function PluginItem({ plugin, onAction }: { plugin: PluginSummary; onAction(action: Action): void }) {
  const expanded = useStore(store, (s) => s.expanded.includes(plugin.id))
  const selected = useStore(store, (s) => s.selectedPlugin === plugin.id)
  const files = useStore(store, (s) => s.files[plugin.id])
  return (
    <li className={`plugin-item ${selected ? 'selected' : ''}`}>
      <div className="row plugin-row">
        <button
          type="button"
          className="icon-button disclosure"
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Collapse' : 'Expand'} ${plugin.name}`}
          onClick={() => toggleExpanded(plugin.id)}
        >
          <Icon name="chevron" className={expanded ? 'rotated' : ''} />
        </button>
        <button
          type="button"
          className="row-main"
          aria-current={selected ? 'true' : undefined}
          title={plugin.description ?? plugin.id}
          onClick={() => attempt(selectPlugin(plugin.id))}
        >
          <Icon name="plugin" />
          <span className="row-label">{plugin.name}</span>
          {plugin.problems.length > 0 && (
            <span className="badge error" title={plugin.problems.map((p) => p.message).join('\n')}>
              !
            </span>
          )}
        </button>
        <button type="button" className="icon-button row-action" aria-label={`New file in ${plugin.name}`} onClick={() => onAction({ kind: 'new', folder: plugin.id })}>
          <Icon name="plus" />
        </button>
      </div>
      {expanded && files && (
        <ul className="file-list">
          {files.map((entry) => (
            <FileItem key={entry.path} entry={entry} depth={entry.path.slice(plugin.id.length + 1).split('/').length} onAction={onAction} />
          ))}
        </ul>
      )}
    </li>
  )
}

function FileItem({ entry, depth, onAction }: { entry: FileEntry; depth: number; onAction(action: Action): void }) {
  const active = useStore(store, (s) => s.activePath === entry.path)
  const dirty = useStore(store, (s) => s.openFiles.some((f) => f.path === entry.path && f.dirty))
  const name = baseName(entry.path)
  const isFolder = entry.kind === 'directory'
  return (
    <li className={`row file-row ${active ? 'active' : ''}`} style={{ paddingLeft: 12 + depth * 14 }}>
      {isFolder ? (
        <span className="row-main folder">
          <Icon name="folder" />
          <span className="row-label">{name}</span>
        </span>
      ) : (
        <button type="button" className="row-main" aria-current={active ? 'true' : undefined} onClick={() => attempt(openFile(entry.path))}>
          <Icon name="file" />
          <span className="row-label">{name}</span>
          {dirty && <span className="dirty-dot" aria-label="unsaved" />}
        </button>
      )}
      <button type="button" className="icon-button row-action" aria-label={`Rename ${name}`} onClick={() => onAction({ kind: 'rename', path: entry.path })}>
        <Icon name="pencil" />
      </button>
      <button type="button" className="icon-button row-action" aria-label={`Delete ${name}`} onClick={() => onAction({ kind: 'delete', path: entry.path, isFolder })}>
        <Icon name="trash" />
      </button>
    </li>
  )
}
