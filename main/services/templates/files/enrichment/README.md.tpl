# {{name}}

{{description}}

An **event enrichment** plugin: `processEvent` receives each event before PostHog stores it and
returns it with more properties. This one adds:

- `plugin_tag`: the value of the `tag` setting;
- `url_path` and `url_depth`: the path of `$current_url` and how many segments it has.

## Try it

- In Plugin Studio: pick a sample event in the Debugger and press **Run** (F5). Edit `{{entry}}`,
  save (Ctrl/Cmd+S) and the event runs again.
- From a terminal: `npm install && npm test` runs `{{test}}` with jest.

## Make it yours

Return the event with your changes, or `null` to drop it. Throwing records an error and lets the
event pass on unchanged, as PostHog does.
