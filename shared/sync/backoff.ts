export interface BackoffPolicy {
  baseSeconds: number;
  maxSeconds: number;
}

/**
 * How long a change handed back for retry stays invisible: exponential in the number of receives, with full
 * jitter so that retries of many changes spread out, and never shorter than the provider's Retry-After.
 */
export function retryDelaySeconds(
  policy: BackoffPolicy,
  receiveCount: number,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
  const jittered = ceiling * random();
  return Math.min(policy.maxSeconds, Math.max(jittered, retryAfterSeconds ?? 0));
}
