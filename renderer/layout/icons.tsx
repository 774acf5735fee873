// The few icons the UI uses, as inline SVG (no icon font, nothing fetched).
const PATHS = {
  play: 'M5 3.5v9l7.5-4.5z',
  step: 'M3 3.5v9l6-4.5zM10 3.5h2v9h-2z',
  runAll: 'M2 3.5v9l5-4.5zM8 3.5v9l5-4.5z',
  reset: 'M8 2.5a5.5 5.5 0 1 1-5.2 3.7l1.4.5A4 4 0 1 0 8 4v2L4.8 3.2 8 .5z',
  plus: 'M7.25 2.5h1.5v4.75h4.75v1.5H8.75v4.75h-1.5V8.75H2.5v-1.5h4.75z',
  pencil: 'M11.3 1.8l2.9 2.9-8.4 8.4H2.9v-2.9zM10.2 4.6l1.2 1.2 1-1-1.2-1.2z',
  trash: 'M6 1.5h4l.5 1H13v1.5H3V2.5h2.5zM4 5h8l-.7 9H4.7z',
  close: 'M4.2 3.1L8 6.9l3.8-3.8 1.1 1.1L9.1 8l3.8 3.8-1.1 1.1L8 9.1l-3.8 3.8-1.1-1.1L6.9 8 3.1 4.2z',
  chevron: 'M6 3.5L10.5 8 6 12.5 5 11.5 8.5 8 5 4.5z',
  gear: 'M6.9 1h2.2l.3 1.8 1.2.6 1.5-1 1.5 1.5-1 1.5.6 1.2 1.8.3v2.2l-1.8.3-.6 1.2 1 1.5-1.5 1.5-1.5-1-1.2.6-.3 1.8H6.9l-.3-1.8-1.2-.6-1.5 1-1.5-1.5 1-1.5-.6-1.2L1 9.1V6.9l1.8-.3.6-1.2-1-1.5 1.5-1.5 1.5 1 1.2-.6zM8 5.7a2.3 2.3 0 1 0 0 4.6 2.3 2.3 0 0 0 0-4.6z',
  upload: 'M8 1.5l4 4-1.1 1.1-2.1-2.1V11H7.2V4.5L5.1 6.6 4 5.5zM2.5 12.5h11V14h-11z',
  file: 'M3.5 1.5h6l3 3v10h-9zM9 2.5V5h2.5',
  folder: 'M1.5 3h5l1.5 1.5h6.5v9h-13z',
  plugin: 'M6 1.5h4v2.5h2.5V8H10v2.5H6V8H3.5V4H6z',
} as const

export type IconName = keyof typeof PATHS

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg className={`icon ${className ?? ''}`} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="currentColor" fillRule="evenodd" />
    </svg>
  )
}
