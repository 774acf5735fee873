// A draggable (and keyboard-adjustable) divider between two panes.
import { useRef } from 'react'
import { clamp, layout, LIMITS, type LayoutSizes } from './layout-store.ts'
import { useStore } from '../state/store.ts'

interface Props {
  /** Which size this divider changes. */
  size: keyof LayoutSizes
  /** `vertical`: a column divider (drag left/right); `horizontal`: a row divider. */
  orientation: 'vertical' | 'horizontal'
  /** +1 when dragging right/down grows the size, -1 when it shrinks it. */
  direction: 1 | -1
  label: string
}

export function Splitter({ size, orientation, direction, label }: Props) {
  const value = useStore(layout, (s) => s[size])
  const drag = useRef<{ start: number; from: number } | null>(null)
  const set = (next: number) => layout.set({ [size]: clamp(size, next) } as Partial<LayoutSizes>)
  const coordinate = (e: React.PointerEvent) => (orientation === 'vertical' ? e.clientX : e.clientY)
  return (
    <div
      className={`splitter splitter-${orientation}`}
      role="separator"
      aria-label={label}
      aria-orientation={orientation}
      aria-valuenow={value}
      aria-valuemin={LIMITS[size][0]}
      aria-valuemax={LIMITS[size][1]}
      tabIndex={0}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId)
        drag.current = { start: coordinate(e), from: value }
        document.body.classList.add(`resizing-${orientation}`)
      }}
      onPointerMove={(e) => {
        if (drag.current) set(drag.current.from + direction * (coordinate(e) - drag.current.start))
      }}
      onPointerUp={(e) => {
        e.currentTarget.releasePointerCapture(e.pointerId)
        drag.current = null
        document.body.classList.remove(`resizing-${orientation}`)
      }}
      onKeyDown={(e) => {
        const grow = orientation === 'vertical' ? { ArrowRight: 1, ArrowLeft: -1 } : { ArrowDown: 1, ArrowUp: -1 }
        const delta = grow[e.key as keyof typeof grow]
        if (delta) {
          e.preventDefault()
          set(value + direction * delta * 16)
        }
      }}
    />
  )
}
