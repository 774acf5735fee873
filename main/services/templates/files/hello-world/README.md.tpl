# {{name}}

{{description}}

Your first PostHog plugin. `processEvent` gets every event before PostHog stores it; whatever it
returns is stored. This one adds a `greeting` property.

1. Pick an event in the **Debugger** and press **Run** (F5): **Output** shows the event before and after.
2. Change the greeting in `{{entry}}` or in **Configuration**, save (Ctrl/Cmd+S): the event runs again.
3. Make a plugin of your own with **New plugin**.

From a terminal, `npm install && npm test` runs `{{test}}` with jest.
