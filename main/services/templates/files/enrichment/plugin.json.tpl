{
  "name": "{{name}}",
  "description": "{{description}}",
  "main": "{{entry}}",
  "config": [
    {
      "key": "tag",
      "name": "Tag added to every event",
      "type": "string",
      "default": "enriched",
      "hint": "Written to the event's `plugin_tag` property.",
      "required": true
    }
  ]
}
