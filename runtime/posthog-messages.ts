// The exact texts PostHog's plugin server (PH-2022, the 2022-08-12 monorepo) writes for the
// time-based behaviours: setupPlugin back-off, jobs, the exportEvents upgrade. One place, so the
// studio's logs read like PostHog's and tests compare against the same strings. Lines PostHog does
// not write (the studio's own notes) are at the end, named STUDIO_*.
//
// `error` below is `${error}` in PostHog: the error's toString, e.g. "RetryError (attempt 2/5): down"
// (see errorToString in runtime/retry.ts).

/** lazy.ts: log entry, source SYSTEM, type ERROR. */
export function setupPluginRetrying(error: string, instanceId: string, nextRetryMs: number): string {
  return `setupPlugin failed with ${error} (instance ID ${instanceId}). Retrying in ${nextRetryMs / 1000} s...`
}

/** lazy.ts: log entry, source SYSTEM, type ERROR, after processError; the plugin is disabled. */
export function setupPluginDisabled(error: string, instanceId: string): string {
  return `setupPlugin failed with ${error} (instance ID ${instanceId}). Disabled the app!`
}

/** lazy.ts: log entry, source SYSTEM, type DEBUG. */
export function setupPluginSucceeded(instanceId: string): string {
  return `setupPlugin succeeded (instance ID ${instanceId}).`
}

/** lazy.ts: the SetupPluginError thrown after the disable line (server log, not a plugin log entry). */
export function setupPluginErrorMessage(error: string, pluginDigest: string): string {
  return `setupPlugin failed with ${error} for ${pluginDigest}. Disabled the app!`
}

/** extensions/jobs.ts durationToMs; `unit` already has its trailing "s". */
export function unknownTimeUnit(unit: string): string {
  return `Unknown time unit: ${unit}`
}

/**
 * plugins/run.ts runPluginTask. PostHog interpolates the whole pluginConfig object, so the id
 * really reads "[object Object]" in PostHog's logs; the studio keeps that text.
 */
export function taskNotFound(taskName: string, pluginName: string): string {
  return `Task "${taskName}" not found for plugin "${pluginName}" with config id [object Object]`
}

/** extensions/jobs.ts (PH-2022): an enqueue failure is logged (source SYSTEM, type ERROR), not thrown. */
export function failedToEnqueueJob(type: string, message: string): string {
  return `Failed to enqueue job ${type} with error: ${message}`
}

/** upgrades/export-events.ts: status.info on the server (not a plugin log entry in PostHog). */
export function exportRetryEnqueued(pluginConfigId: string, batchId: number, retry: number, seconds: number): string {
  return `Enqueued PluginConfig ${pluginConfigId} batch ${batchId} for retry #${retry} in ${Math.round(seconds)}s`
}

/** upgrades/export-events.ts: status.info on the server when MAXIMUM_RETRIES is used up. */
export function exportBatchDropped(pluginConfigId: string, batchId: number, retriesPerformedSoFar: number): string {
  return `Dropped PluginConfig ${pluginConfigId} batch ${batchId} after retrying ${retriesPerformedSoFar} times`
}

/** lazy.ts: when scheduled tasks are asked for and setup failed. */
export const SCHEDULED_TASKS_SETUP_FAILED = 'Cannot load scheduled tasks because the app errored during setup.'

// ---- The studio's own lines (PostHog is silent here) ------------------------------------------

/** PostHog's runTasksDebounced skips silently; the studio says so. */
export function STUDIO_scheduleSkipped(task: string): string {
  return `Skipped ${task}: the previous run has not finished yet (PostHog skips a run while the last one is still going).`
}

/** PostHog's runRetriableFunction only counts retries in statsd; the studio shows the back-off. */
export function STUDIO_retryScheduled(tag: string, error: string, nextRetryMs: number): string {
  return `${tag} failed with ${error}. Retrying in ${nextRetryMs / 1000} s.`
}
