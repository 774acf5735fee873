{
  "name": "{{packageName}}",
  "version": "0.1.0",
  "description": "{{description}}",
  "keywords": ["posthog", "posthog-plugin"],
  "license": "MIT",
  "type": "module",
  "main": "index.js",
  "scripts": {
    "test": "node --experimental-vm-modules node_modules/jest/bin/jest.js"
  },
  "jest": {
    "testEnvironment": "node",
    "transform": {}
  },
  "devDependencies": {
    "@posthog/plugin-scaffold": "1.7.1",
    "jest": "30.5.2"
  }
}
