# {{name}}

{{description}}

An **exporter** plugin: `exportEvents` receives batches of events after PostHog has stored them and
sends them somewhere else — here, as JSON to a webhook. (`onEvent` is the one-event-at-a-time
alternative; use one of the two, not both.)

- A `5xx` or `429` answer throws `RetryError`, so PostHog tries the batch again later.
- Any other non-2xx answer is an error: it is logged and the batch is not retried.
- With no `webhookUrl`, the plugin only logs what it would send.

## Try it

- In Plugin Studio: set **Webhook URL** in Configuration (the `fetch` network policy in Settings
  decides which hosts plugins may reach) and run an event.
- From a terminal: `npm install && npm test` runs `{{test}}` with jest; it replaces `fetch` with a fake.
