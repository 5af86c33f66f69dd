import { classifyFailure, type FailureClass } from "~/sync/retry-policy";

/**
 * The one error a connector throws for a failed partner call. `failureClass`
 * tells the worker whether a retry can help; `message` is the partner's own
 * text (trimmed), never a secret.
 */
export class PartnerError extends Error {
  override name = "PartnerError";
  constructor(
    message: string,
    readonly failureClass: FailureClass,
    readonly httpStatus: number | null,
    readonly retryAfterMs?: number,
    /** True when the partner may have applied the request (timeout, dropped connection). */
    readonly uncertain = false,
  ) {
    super(message);
  }
}

const MAX_MESSAGE = 500;

/** Partner messages go to the sync log verbatim but bounded. */
export function trimMessage(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_MESSAGE ? oneLine.slice(0, MAX_MESSAGE - 1) + "…" : oneLine;
}

/** Builds the PartnerError for an HTTP answer, classified by the retry policy. */
export function partnerErrorFromResponse(
  partnerName: string,
  status: number,
  headers: Pick<Headers, "get">,
  partnerMessage: string,
  now: Date,
  envelopeError = false,
): PartnerError {
  const failure = classifyFailure(status, headers, now, envelopeError);
  const text = partnerMessage ? trimMessage(partnerMessage) : `HTTP ${status}`;
  return new PartnerError(`${partnerName} answered ${status}: ${text}`, failure.class, status, failure.retryAfterMs);
}

/** A call that got no answer: network error or timeout. */
export function partnerUnreachable(partnerName: string, cause: unknown, timedOut: boolean): PartnerError {
  const reason = timedOut ? "did not answer in time" : `could not be reached (${cause instanceof Error ? cause.message : String(cause)})`;
  return new PartnerError(`${partnerName} ${reason}`, "retryable", null, undefined, true);
}

/** An answer we could not read (bad JSON, unexpected shape): the partner may have applied it. */
export function partnerMalformed(partnerName: string, status: number, detail: string): PartnerError {
  return new PartnerError(`${partnerName} sent an answer we could not read (HTTP ${status}): ${trimMessage(detail)}`, "retryable", status, undefined, true);
}

/**
 * Thrown by push() when the order cannot apply to the partner for a reason the
 * merchant can fix (no model for a SKU, creation not allowed): the job ends
 * `skipped` with this message, and a resync after the fix sends it.
 */
export class SyncSkipped extends Error {
  override name = "SyncSkipped";
}
