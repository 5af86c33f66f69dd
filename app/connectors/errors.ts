import { classifyFailure, type FailureClass } from "~/sync/retry-policy";

/** Where an error from outside the app came from: a partner's API or Shopify's. */
export type UpstreamSource = "partner" | "shopify";

/**
 * The one root for failures of a call that left the app (a partner's API, Shopify's
 * Admin API). `failureClass` tells the worker whether a retry can help; `message` is
 * the other side's own text (trimmed), never a secret. The worker reads `source` so
 * that a Shopify failure never pauses a partner or lowers its lane's rate.
 */
export abstract class UpstreamError extends Error {
  abstract readonly source: UpstreamSource;
  constructor(
    message: string,
    readonly failureClass: FailureClass,
    readonly httpStatus: number | null,
    readonly retryAfterMs?: number,
    /** True when the other side may have applied the request (timeout, dropped connection). */
    readonly uncertain = false,
  ) {
    super(message);
  }
}

/** What a connector throws for a failed partner call. */
export class PartnerError extends UpstreamError {
  override name = "PartnerError";
  readonly source = "partner";
}

/** What the Shopify clients throw for a failed Admin API call or export download. */
export class ShopifyError extends UpstreamError {
  override name = "ShopifyError";
  readonly source = "shopify";
}

const MAX_MESSAGE = 500;

/** Partner messages go to the sync log verbatim but bounded. */
export function trimMessage(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_MESSAGE ? oneLine.slice(0, MAX_MESSAGE - 1) + "…" : oneLine;
}

/** Builds the PartnerError for an HTTP answer, classified by the retry policy. */
export function partnerErrorFromResponse(partnerName: string, status: number, headers: Pick<Headers, "get">, partnerMessage: string, now: Date, envelopeError = false): PartnerError {
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
