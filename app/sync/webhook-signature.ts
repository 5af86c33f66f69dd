// Shopify's webhook signature and headers, checked the way @shopify/shopify-api's
// `webhooks.validate` does (HMAC-SHA256 of the raw body with the app's secret,
// base64, compared in constant time; the same required headers), without its
// request conversion: that canonicalises every header of every request and was
// a measurable share of the webhook path's CPU under load (docs/architecture.md,
// "Ingest"). test/sync/webhook-signature.test.ts holds it to the library's answers.
import { createHmac, timingSafeEqual } from "node:crypto";

/** Headers a webhook must carry, as the library requires them. */
const REQUIRED = ["x-shopify-hmac-sha256", "x-shopify-topic", "x-shopify-shop-domain", "x-shopify-api-version", "x-shopify-webhook-id"] as const;

export type SignatureCheck =
  | { valid: true; topic: string; domain: string; apiVersion: string; webhookId: string; eventId?: string; triggeredAt?: string }
  | { valid: false; reason: "invalid_hmac" }
  | { valid: false; reason: "missing_headers"; missingHeaders: string[] };

/** `header(name)` answers a header by its lower-case name. */
export function checkWebhookSignature(header: (name: string) => string | undefined, rawBody: Buffer, secret: string): SignatureCheck {
  const given = header("x-shopify-hmac-sha256") ?? "";
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const received = Buffer.from(given, "base64");
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return { valid: false, reason: "invalid_hmac" };
  const missingHeaders = REQUIRED.filter((name) => !header(name));
  if (missingHeaders.length > 0) return { valid: false, reason: "missing_headers", missingHeaders: [...missingHeaders] };
  const eventId = header("x-shopify-event-id");
  const triggeredAt = header("x-shopify-triggered-at");
  return {
    valid: true,
    topic: header("x-shopify-topic")!,
    domain: header("x-shopify-shop-domain")!,
    apiVersion: header("x-shopify-api-version")!,
    webhookId: header("x-shopify-webhook-id")!,
    ...(eventId ? { eventId } : {}),
    ...(triggeredAt ? { triggeredAt } : {}),
  };
}
