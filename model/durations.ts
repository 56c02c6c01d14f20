/**
 * Go's time.Duration String() for whole seconds (3600 -> 1h0m0s): how the Kubernetes API server
 * writes metav1.Duration fields back, and how Vault reads its autopilot durations back
 * (`config.DeadServerLastContactThreshold.String()`). Rendering this form leaves no diff to show.
 */
export function goDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

/**
 * One number and one unit (3600 -> 1h, 90 -> 90s): VSO's duration fields (refreshAfter,
 * expiryOffset) accept only `^([0-9]+(\.[0-9]+)?(s|m|h))$`, and VSO keeps them as strings.
 */
export function singleUnitDuration(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}
