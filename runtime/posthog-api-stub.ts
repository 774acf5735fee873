// posthog.api.{get,post,put,delete}(path, options) answered by a configurable stub: the studio never
// calls a real PostHog. RuntimeOptions.posthogApi lists `{method, path, status, body}`; a call no stub
// matches gets a 404 whose body names the path and how to add a stub.
import type { PosthogApiStub } from '../common/protocol/runtime.ts'

export interface ApiRequest {
  method: string
  path: string
  host: string
  data: unknown
}

export interface ApiAnswer {
  status: number
  statusText: string
  headers: [string, string][]
  body: string
  stubbed: boolean
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }

/** Slashes around the path and the query string do not matter ("api/projects/@current" = "/api/projects/@current/"). */
function normalise(path: string): string {
  return String(path).split('?')[0].replace(/^\/+|\/+$/g, '')
}

export function validateStubs(stubs: unknown): PosthogApiStub[] {
  if (stubs === undefined) return []
  if (!Array.isArray(stubs)) throw new Error('load: options.posthogApi must be a list of {method, path, status, body}')
  stubs.forEach((s, i) => {
    if (!s || typeof s.method !== 'string' || typeof s.path !== 'string' || !Number.isInteger(s.status)) {
      throw new Error(`load: options.posthogApi[${i}] needs a string "method", a string "path" and a whole-number "status"`)
    }
  })
  return stubs as PosthogApiStub[]
}

export function answerApi(stubs: PosthogApiStub[], request: ApiRequest): ApiAnswer {
  const path = normalise(request.path)
  const stub = stubs.find((s) => (s.method === '*' || s.method.toUpperCase() === request.method) && normalise(s.path) === path)
  if (!stub) {
    const detail =
      `Plugin Studio has no posthog.api answer for ${request.method} /${path}. ` +
      `Add {"method": "${request.method}", "path": "/${path}", "status": 200, "body": …} to the runtime option posthogApi ` +
      `(plugin-studio run: --posthog-api <file> with a JSON list of them).`
    return { status: 404, statusText: 'Not Found', headers: [['content-type', 'application/json']], body: JSON.stringify({ type: 'invalid_request', code: 'not_found', detail }), stubbed: false }
  }
  const body = typeof stub.body === 'string' ? stub.body : stub.body === undefined ? '' : JSON.stringify(stub.body)
  return { status: stub.status, statusText: STATUS_TEXT[stub.status] ?? '', headers: [['content-type', typeof stub.body === 'string' ? 'text/plain' : 'application/json']], body, stubbed: true }
}
