// The events of the chosen file, virtualised (event files can hold thousands), with each one's result.
import { useEffect, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useStore } from '../state/store.ts'
import { store } from '../state/studio-state.ts'
import { showResult } from '../state/run-actions.ts'
import { eventStatus, STATUS_LABEL } from './event-status.ts'

const ROW_HEIGHT = 30

export function EventList() {
  const events = useStore(store, (s) => s.events)
  const results = useStore(store, (s) => s.results)
  const selected = useStore(store, (s) => s.selectedEvent)
  const cursor = useStore(store, (s) => s.cursor)
  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  })
  useEffect(() => {
    if (events.length) virtualizer.scrollToIndex(Math.min(selected, events.length - 1), { align: 'auto' })
  }, [selected, events.length, virtualizer])

  const move = (delta: number) => {
    const next = Math.min(events.length - 1, Math.max(0, selected + delta))
    showResult(next)
  }
  if (events.length === 0) return <p className="empty">No events in this file.</p>
  return (
    <div
      ref={scroller}
      className="event-list"
      role="listbox"
      aria-label="Events"
      aria-activedescendant={`event-row-${selected}`}
      tabIndex={0}
      onKeyDown={(e) => {
        const delta = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0
        if (!delta) return
        e.preventDefault()
        move(delta)
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const event = events[item.index]
          const status = eventStatus(results[item.index])
          return (
            <div
              key={item.key}
              id={`event-row-${item.index}`}
              role="option"
              aria-selected={item.index === selected}
              className={`event-row ${item.index === selected ? 'selected' : ''}`}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              onClick={() => showResult(item.index)}
            >
              <span className="event-cursor" aria-label={item.index === cursor ? 'next to step' : undefined}>
                {item.index === cursor ? '▸' : ''}
              </span>
              <span className="event-index">{item.index + 1}</span>
              <span className="event-name">{event.event}</span>
              <span className="event-distinct" title={event.distinct_id}>
                {event.distinct_id}
              </span>
              <span className={`event-status status-${status}`}>{STATUS_LABEL[status]}</span>
            </div>
          )
        })}
      </div>
    </div>
  )
}
