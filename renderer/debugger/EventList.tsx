// The events of the chosen file (or, while filtering, the run's events that match), virtualised: a
// file of 100,000 events renders the rows on screen and reads their pages as they scroll into view.
import { useEffect, useMemo, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useStore } from '../state/store.ts'
import { attempt, store } from '../state/studio-state.ts'
import { showResult } from '../state/run-actions.ts'
import { eventStatus, STATUS_LABEL } from './event-status.ts'
import { ensureEvents } from './event-pages.ts'
import { debuggerStore } from './debugger-store.ts'
import { filterRun, isFiltering } from './run-filter.ts'

const ROW_HEIGHT = 30

export function EventList() {
  const events = useStore(store, (s) => s.events)
  useStore(store, (s) => s.eventsVersion)
  const results = useStore(store, (s) => s.results)
  const selected = useStore(store, (s) => s.selectedEvent)
  const cursor = useStore(store, (s) => s.cursor)
  const filter = useStore(debuggerStore, (s) => s.filter)
  const filtering = isFiltering(filter)
  const shown = useMemo(() => (filtering ? filterRun(results, filter) : null), [filtering, results, filter])
  const count = shown ? shown.length : events.length
  const indexAt = (row: number) => (shown ? shown[row] : row)
  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? -1

  // Read the pages of the rows on screen (unfiltered: filtered rows are results, which hold their input).
  useEffect(() => {
    if (!shown && last >= first) attempt(ensureEvents(first, last - first + 1))
  }, [shown, first, last, events])

  const selectedRow = shown ? shown.indexOf(selected) : selected
  useEffect(() => {
    if (count && selectedRow >= 0) virtualizer.scrollToIndex(Math.min(selectedRow, count - 1), { align: 'auto' })
  }, [selectedRow, count, virtualizer])

  const move = (delta: number) => {
    if (!count) return
    const row = Math.min(count - 1, Math.max(0, (selectedRow < 0 ? 0 : selectedRow) + delta))
    showResult(indexAt(row))
  }
  // Wide enough for the largest index (100,000-event files have six digits).
  const indexWidth = `${String(events.length).length + 0.5}ch`
  if (events.length === 0) return <p className="empty">No events in this file.</p>
  if (shown && count === 0) return <p className="empty">No event of this run matches the filter.</p>
  return (
    <div
      ref={scroller}
      className="event-list"
      role="listbox"
      aria-label="Events"
      aria-activedescendant={`event-row-${selected}`}
      tabIndex={0}
      onKeyDown={(e) => {
        const delta = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : e.key === 'PageDown' ? 10 : e.key === 'PageUp' ? -10 : 0
        if (!delta) return
        e.preventDefault()
        move(delta)
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const index = indexAt(item.index)
          const result = results[index]
          const event = result?.input ?? events[index]
          const status = eventStatus(result)
          return (
            <div
              key={index}
              id={`event-row-${index}`}
              role="option"
              aria-selected={index === selected}
              className={`event-row ${index === selected ? 'selected' : ''}`}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              onClick={() => showResult(index)}
            >
              <span className="event-cursor" aria-label={index === cursor ? 'next to step' : undefined}>
                {index === cursor ? '▸' : ''}
              </span>
              <span className="event-index" style={{ width: indexWidth }}>
                {index + 1}
              </span>
              <span className="event-name">{event ? event.event : '…'}</span>
              <span className="event-distinct" title={event?.distinct_id}>
                {event?.distinct_id ?? ''}
              </span>
              <span className={`event-status status-${status}`} title={result?.droppedBy ? `dropped by ${result.droppedBy}` : undefined}>
                {STATUS_LABEL[status]}
              </span>
            </div>
          )
        })}
      </div>
    </div>
  )
}
