// The publish service as the dialog sees it: the publishing part of the studio contract
// (common/protocol/publish.ts), minus npmBump, which the dialog does not call.
import type { PublishMethods, PublishOutcome } from '../../common/protocol/publish.ts'

export type {
  AccountStatus,
  BumpKind,
  NpmPreview,
  NpmPrepared,
  NpmPublishResult,
  PostHogConnection,
  PostHogPublishResult,
  PublishCheck,
  PublishTarget,
  SecretsStatus,
} from '../../common/protocol/publish.ts'

export type Outcome<T> = PublishOutcome<T>

export type PublishApi = Omit<PublishMethods, 'npmBump'>
