# {{name}}

{{description}}

A **filter** plugin: `processEvent` returns `null` for events that should not be stored, and the
event itself for the rest. This one drops:

- events whose name is listed in `eventsToDrop` (comma-separated);
- when `dropInternalUsers` is `Yes`, events whose `email` property ends with `@<internalDomain>`.

## Try it

- In Plugin Studio: run a sample `$autocapture` event — the Output shows it was dropped.
- From a terminal: `npm install && npm test` runs `{{test}}` with jest.
