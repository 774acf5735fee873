{
  "name": "{{name}}",
  "description": "{{description}}",
  "main": "{{entry}}",
  "config": [
    {
      "key": "greeting",
      "name": "Greeting",
      "type": "string",
      "default": "Hello from Plugin Studio",
      "hint": "Added to every event as the `greeting` property."
    }
  ]
}
