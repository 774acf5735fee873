// PostHog's plugin.json format as a JSON Schema (draft-07), for Monaco's JSON diagnostics and hovers
// and for ajv. It states the shape; validate.ts adds what a schema cannot say (duplicate keys,
// conditions naming missing keys) and points at the place.

export const PLUGIN_JSON_SCHEMA_URI = 'https://plugin-studio.invalid/schemas/plugin.json'

const stringOrAbsentPair = {
  type: 'array',
  minItems: 1,
  maxItems: 2,
  items: [
    { type: 'string', description: 'The key of the field whose value is tested.' },
    { type: 'string', description: 'The value it must equal. Left out: any non-empty value matches.' },
  ],
} as const

const condition = (what: string) =>
  ({
    type: 'array',
    description: `${what} when every [fieldKey, value?] pair matches: a pair with a value matches when the field equals it, a pair without one when the field is non-empty.`,
    items: stringOrAbsentPair,
  }) as const

const fieldProperties = {
  key: { type: 'string', minLength: 1, description: 'The key of the value in meta.config (or meta.attachments).' },
  name: { type: 'string', description: 'The label shown in the form (falls back to key).' },
  type: {
    type: 'string',
    enum: ['string', 'json', 'attachment', 'choice'],
    description: 'string: a text input; json: a JSON editor (the value is a string); attachment: a file; choice: a select of "choices". There is no boolean type.',
  },
  default: { type: 'string', description: 'Pre-filled value. Config values are strings.' },
  hint: { type: 'string', description: 'Markdown shown under the field.' },
  markdown: { type: 'string', description: 'Markdown shown above the field; alone (without key and type) it is a text block.' },
  order: { type: 'number', description: 'Position in the legacy object form (deprecated; the array form keeps its order).' },
  required: { type: 'boolean', description: 'The value must be non-empty to save the config.' },
  secret: { type: 'boolean', description: 'Write-only: the value is never shown again after saving.' },
  choices: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'The options of a choice field.' },
  required_if: condition('Required'),
  visible_if: condition('Shown only'),
  site: { type: 'boolean', description: 'Exposes the value to site.ts (site apps).' },
} as const

const field = {
  type: 'object',
  properties: fieldProperties,
  additionalProperties: false,
  allOf: [
    {
      if: { properties: { type: { const: 'choice' } }, required: ['type'] },
      then: { required: ['choices'], properties: { secret: { const: false } } },
    },
    { anyOf: [{ required: ['key'] }, { required: ['markdown'] }] },
  ],
} as const

const legacyField = {
  type: 'object',
  properties: fieldProperties,
  additionalProperties: false,
  allOf: [field.allOf[0]],
} as const

export const PLUGIN_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: PLUGIN_JSON_SCHEMA_URI,
  title: 'PostHog plugin.json',
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, description: 'The plugin name shown in PostHog.' },
    description: { type: 'string', description: 'Shown under the name (markdown).' },
    url: { type: 'string', description: 'Informational; PostHog does not read it.' },
    main: { type: 'string', description: 'The entry file (default index.js, then index.ts).' },
    posthogVersion: { type: 'string', description: 'A semver range of PostHog versions this plugin needs.' },
    icon: { type: 'string', description: 'An icon URL (PostHog 2023+).' },
    stateless: { type: 'boolean', description: 'One VM for all teams; such plugins cannot have a config.' },
    publicJobs: {
      type: 'object',
      description: 'Jobs a user can start from the PostHog UI: {jobName: {payload: {field: {type, required?, title?, default?}}}}.',
      additionalProperties: {
        type: 'object',
        properties: {
          payload: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              properties: {
                type: { type: 'string', enum: ['string', 'boolean', 'json', 'number', 'date', 'daterange'] },
                required: { type: 'boolean' },
                title: { type: 'string' },
                staff_only: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
    config: {
      description: 'The config form: an array of fields (shown in order), or the legacy object keyed by field key (sorted by "order").',
      oneOf: [
        { type: 'array', items: field },
        { type: 'object', additionalProperties: legacyField },
      ],
    },
  },
  required: ['name'],
} as const
