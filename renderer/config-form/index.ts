// The configuration form previewer: what the renderer's "Configuration" pane mounts.
export { ConfigForm } from './ConfigForm.tsx'
export type { ConfigFormProps } from './ConfigForm.tsx'
export { useConfigFormState } from './use-config-form-state.ts'
export type { ConfigFormState } from './use-config-form-state.ts'
export { usePluginJsonForm } from './use-plugin-json-form.ts'
export type { PluginJsonForm } from './use-plugin-json-form.ts'
export { problemsToMarkers, MARKER_SEVERITY } from './markers.ts'
export type { MarkerData } from './markers.ts'
