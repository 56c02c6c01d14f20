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
