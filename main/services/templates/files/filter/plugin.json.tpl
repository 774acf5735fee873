{
  "name": "{{name}}",
  "description": "{{description}}",
  "main": "{{entry}}",
  "config": [
    {
      "key": "eventsToDrop",
      "name": "Event names to drop",
      "type": "string",
      "default": "$autocapture,$feature_flag_called",
      "hint": "Comma-separated. Events with one of these names are not stored."
    },
    {
      "key": "dropInternalUsers",
      "name": "Drop events from internal users",
      "type": "choice",
      "choices": ["Yes", "No"],
      "default": "Yes",
      "hint": "Drops events whose `email` property ends with the domain below."
    },
    {
      "key": "internalDomain",
      "name": "Internal email domain",
      "type": "string",
      "default": "example.com",
      "visible_if": [["dropInternalUsers", "Yes"]]
    }
  ]
}
