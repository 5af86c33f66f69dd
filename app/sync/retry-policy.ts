// The one retry policy: how a partner's answer is classified, how long to wait
// before the next attempt, how fast each partner is called, and every timeout.
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
  /** A 429 / 503 without Retry-After, or with one that cannot be read, waits this long. */
  defaultRateLimitMs: 30_000,
  /** The longest hold one Retry-After can ask for: a larger value (or a date years away) holds this long. */
  maxRetryAfterMs: 60 * 60_000,
  /**
   * A lane the partner has refused (429) for this long without accepting a job fails its
   * rate-limited jobs instead of waiting on: a partner that never lets us in must not keep them forever.
   */
  maxRateLimitedMs: 24 * 60 * 60_000,
  /** A 429 multiplies the lane's sending rate by this... */
  rateDropFactor: 0.5,
  /** ...but never below this many requests a second (one every 10 s). */
  minRatePerSec: 0.1,
  /** After this long without a 429 a lowered rate doubles, up to the configured rate again. */
  rateRecoveryQuietMs: 5 * 60_000,
  /** A job waits this long at most for its lane's next token; a longer wait postpones it (no attempt spent). */
  maxTokenWaitMs: 2_000,
  /** One HTTP call to a partner or to Shopify. */
  requestTimeoutMs: 15_000,
  /** How long a claimed job is held before another worker may take it (several calls per job). */
  leaseMs: 120_000,
  /** How often an idle worker looks for due jobs. */
  pollIntervalMs: 1_000,
} as const;

const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const WEEKDAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "\\d{2}:\\d{2}:\\d{2}";
/**
 * The three forms of an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, the obsolete RFC 850
 * form, and asctime (which names no zone: it is GMT). Anything else is not a date, however
 * leniently Date.parse would read it ("x 5" and "May 2" are dates in 2001 to V8, which
 * would let a garbled header hammer the partner with no wait at all).
 */
const HTTP_DATE = [
  new RegExp(`^${DAY}, \\d{1,2} ${MONTH} \\d{4} ${TIME} GMT$`, "i"),
  new RegExp(`^${WEEKDAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`, "i"),
  new RegExp(`^${DAY} ${MONTH} \\d{1,2} ${TIME} \\d{4}$`, "i"),
];

/**
 * Parses Retry-After as seconds or an HTTP date, bounded to [0, policy.maxRetryAfterMs];
 * null when absent, unreadable or negative (the caller then waits the default). Never
 * throws: a huge number, "Infinity" or a date far in the future is the maximum hold, not
 * an invalid date further on; a date already past is no wait.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim().replace(/\s+/g, " ");
  if (trimmed === "") return null;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Math.ceil(Number(trimmed) * 1000);
  else if (HTTP_DATE.some((form) => form.test(trimmed))) ms = Date.parse(HTTP_DATE[2]!.test(trimmed) ? `${trimmed} GMT` : trimmed) - now.getTime();
  else return null; // "-5", "1e9", "10s", "soon", "May 2": not a Retry-After value
  if (Number.isNaN(ms)) return null;
  return boundedWaitMs(Math.max(0, ms));
}

/** A wait clamped to the longest hold; NaN or non-finite becomes the default wait or the maximum. */
export function boundedWaitMs(ms: number | null | undefined): number {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return policy.defaultRateLimitMs;
  return Math.min(policy.maxRetryAfterMs, Math.max(0, ms));
}

/**
 * Classifies a partner's HTTP answer. `status` 0 stands for no answer at all
 * (network error, timeout). A 2xx whose body carries errors is passed in by the
 * connector as `envelopeError` and is permanent.
 */
export function classifyFailure(status: number, headers: Pick<Headers, "get"> | null, now: Date, envelopeError = false): Failure {
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
