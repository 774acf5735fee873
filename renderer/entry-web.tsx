// Browser mode (`plugin-studio serve`): the studio protocol over a WebSocket to this page's origin.
import { openWebSocketTransport, socketUrl } from './transport/websocket-transport.ts'
import { startApp } from './app/start.tsx'

startApp(() => openWebSocketTransport(socketUrl(window.location)), { guardUnload: true })
