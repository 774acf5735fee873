{
  "name": "{{packageName}}",
  "version": "0.1.0",
  "description": "{{description}}",
  "keywords": ["posthog", "posthog-plugin"],
  "license": "MIT",
  "main": "index.ts",
  "scripts": {
    "test": "jest"
  },
  "jest": {
    "preset": "ts-jest",
    "testEnvironment": "node"
  },
  "devDependencies": {
    "@posthog/plugin-scaffold": "1.7.1",
    "jest": "30.5.2",
    "ts-jest": "29.4.15",
    "typescript": "5.9.3"
  }
}
