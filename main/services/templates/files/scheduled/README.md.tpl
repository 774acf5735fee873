# {{name}}

{{description}}

A **scheduled task** plugin: `runEveryMinute` runs once a minute (in Plugin Studio, on the
debugger's virtual clock, so you can step it). This one fetches `statusUrl`, keeps the JSON
`status` field in `meta.cache`, and `processEvent` adds the latest value to each event as
`service_status`.

`meta.cache` is shared by all runs of the plugin (Redis in PostHog), so a scheduled task and
`processEvent` can talk through it. Values expire after the TTL given to `cache.set`.

## Try it

- In Plugin Studio: set **Status URL** in Configuration (and allow its host in Settings ▸ network),
  then run an event.
- From a terminal: `npm install && npm test` runs `{{test}}` with jest; it replaces `fetch` with a fake.
