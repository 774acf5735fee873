// Every IPC message is checked before it is handled (Electron security checklist #17): it must come
// from the top frame of one of the studio's own windows, showing one of the app's own pages.
import { isAppUrl } from './ipc-channels.ts'

/** The parts of Electron's IpcMainInvokeEvent the check reads. */
export interface IpcSenderEvent {
  sender: { id: number; mainFrame?: { url: string } | null }
  senderFrame: { url: string; parent: unknown | null } | null
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string }

export function checkSender(event: IpcSenderEvent, trustedContents: ReadonlySet<number>): SenderVerdict {
  if (!trustedContents.has(event.sender.id)) return { ok: false, reason: 'not a studio window' }
  const frame = event.senderFrame
  // A frame that navigated away or was destroyed since sending has no senderFrame.
  if (!frame) return { ok: false, reason: 'the sending frame is gone' }
  if (frame.parent !== null) return { ok: false, reason: 'not the top frame' }
  if (!isAppUrl(frame.url)) return { ok: false, reason: `not an app page (${safeOrigin(frame.url)})` }
  return { ok: true }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'unparseable URL'
  }
}
