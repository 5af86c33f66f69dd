// The one retry policy (PARTNERS.md, "Failure classes"): how a partner's answer is
// classified, how long to wait before the next attempt, and every timeout.
// Connectors classify through classifyFailure; only the worker schedules.

export type FailureClass = "retryable" | "rate_limited" | "credentials" | "permanent";

export interface Failure {
  class: FailureClass;
  /** For rate_limited: the least time to wait, from Retry-After. */
  retryAfterMs?: number;
}

export const policy = {
  /** Attempts that may fail with a retryable error before the job is failed for good. */
  maxAttempts: 8,
  /** First retry after ~baseDelayMs, doubling each time, capped at maxDelayMs. */
  baseDelayMs: 15_000,
  maxDelayMs: 60 * 60_000,
  /** ± share of the delay drawn at random so that many failed jobs do not retry in step. */
  jitter: 0.2,
  /** A 429 / 503 without Retry-After waits this long. */
  defaultRateLimitMs: 30_000,
  /** One HTTP call to a partner or to Shopify. */
  requestTimeoutMs: 15_000,
  /** How long a claimed job is held before another worker may take it (several calls per job). */
  leaseMs: 120_000,
  /** How often an idle worker looks for due jobs. */
  pollIntervalMs: 1_000,
} as const;

/** Parses Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/**
 * Classifies a partner's HTTP answer. `status` 0 stands for no answer at all
 * (network error, timeout). A 2xx whose body carries errors is passed in by the
 * connector as `envelopeError` and is permanent.
 */
export function classifyFailure(
  status: number,
  headers: Pick<Headers, "get"> | null,
  now: Date,
  envelopeError = false,
): Failure {
  if (envelopeError && status >= 200 && status < 300) return { class: "permanent" };
  if (status === 429 || (status === 503 && headers?.get("retry-after"))) {
    const retryAfterMs = parseRetryAfter(headers?.get("retry-after"), now) ?? policy.defaultRateLimitMs;
    return { class: "rate_limited", retryAfterMs };
  }
  if (status === 0 || status === 408 || status >= 500) return { class: "retryable" };
  if (status === 401 || status === 403) return { class: "credentials" };
  return { class: "permanent" };
}

/** Delay before the attempt after `attemptsSoFar` failed ones (1-based). */
export function backoffDelayMs(attemptsSoFar: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsSoFar - 1));
  const spread = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.round(exponential * spread);
}
