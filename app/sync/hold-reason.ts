// Why a job or a partner is held: a column (SyncJob.holdReason, PartnerConfig.holdReason),
// never a sentence. What resumes a hold (a reinstall, the merchant's switch, saved
// credentials, access to Shopify restored) finds the rows by this value; the sentence the
// merchant reads is built from it (holdMessage), with the partner's or Shopify's own words
// where there are some. Client-safe: no server imports.

export const HOLD_REASONS = [
  // The merchant switched the partner off in the app's settings.
  "merchant_pause",
  // The partner refused the shop's credentials: held until the merchant saves them again.
  "credentials_refused",
  // The shop uninstalled the app: held until it installs it again.
  "uninstalled",
  // The partner (or Shopify's product look-up) answered 429: the job retries after the wait it asked for.
  "rate_limit_hold",
  // Shopify refused to renew the shop's token: held until the merchant opens the app.
  "waiting_for_shopify",
  // A create the partner may hold (no answer stored): the merchant links the order or marks it handled.
  "waiting_for_merchant",
] as const;

export type HoldReason = (typeof HOLD_REASONS)[number];

export function isHoldReason(value: unknown): value is HoldReason {
  return typeof value === "string" && (HOLD_REASONS as readonly string[]).includes(value);
}

/** A stored hold reason, validated on read: null when not held; a value no release knows is an error, never a guess. */
export function holdReasonOf(stored: string): HoldReason;
export function holdReasonOf(stored: string | null): HoldReason | null;
export function holdReasonOf(stored: string | null): HoldReason | null {
  if (stored === null) return null;
  if (!isHoldReason(stored)) throw new Error(`unknown hold reason "${stored}" (expected one of ${HOLD_REASONS.join(", ")})`);
  return stored;
}

/** What a job waits for while Shopify refuses the shop's token. */
const WAITING_FOR_SHOPIFY =
  "Waiting for Shopify: the app's access to this store expired and Shopify refused to renew it. Open Partner Sync from the Shopify admin to restore it; the held orders sync then.";

/**
 * The sentence shown to the merchant (and stored in lastError / pausedReason for display) for
 * a hold. `detail` is what the partner or Shopify said, where there is something: the partner's
 * refusal of the credentials, its 429 message, the create whose outcome is unknown.
 */
export function holdMessage(reason: HoldReason, partnerName: string, detail?: string | null): string {
  switch (reason) {
    case "merchant_pause":
      return `Syncing to ${partnerName} is paused in the app's settings`;
    case "credentials_refused":
      return `${partnerName} refused the credentials${detail ? `: ${detail}` : ""}`;
    case "uninstalled":
      return "The app was uninstalled from this shop";
    case "waiting_for_shopify":
      return WAITING_FOR_SHOPIFY;
    case "rate_limit_hold":
      return detail || `${partnerName} asked the app to wait before sending more`;
    case "waiting_for_merchant":
      return detail || `${partnerName} may already hold this order: link it or mark it handled on the order's page`;
  }
}
