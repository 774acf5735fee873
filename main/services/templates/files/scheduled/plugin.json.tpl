{
  "name": "{{name}}",
  "description": "{{description}}",
  "main": "{{entry}}",
  "config": [
    {
      "key": "statusUrl",
      "name": "Status URL",
      "type": "string",
      "default": "",
      "hint": "Fetched every minute; its JSON `status` field is added to events as `service_status`. Leave empty to skip."
    }
  ]
}
