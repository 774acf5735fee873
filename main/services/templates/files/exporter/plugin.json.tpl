{
  "name": "{{name}}",
  "description": "{{description}}",
  "main": "{{entry}}",
  "config": [
    {
      "key": "webhookUrl",
      "name": "Webhook URL",
      "type": "string",
      "default": "",
      "hint": "Events are POSTed here as JSON, in batches. Leave empty to only log what would be sent."
    },
    {
      "key": "apiKey",
      "name": "API key",
      "type": "string",
      "default": "",
      "secret": true,
      "hint": "Sent as `Authorization: Bearer <key>` when set."
    }
  ]
}
