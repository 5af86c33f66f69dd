import { createHmac, randomUUID } from "node:crypto";

export interface SignedWebhook {
  headers: Record<string, string>;
  body: string;
}

/** Headers exactly as Shopify sends them: HMAC-SHA256 of the raw body with the app secret, base64. */
export function signWebhook(options: { topic: string; shop: string; body: string; secret: string; eventId?: string; webhookId?: string; apiVersion?: string }): SignedWebhook {
  const hmac = createHmac("sha256", options.secret).update(options.body, "utf8").digest("base64");
  return {
    body: options.body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": options.topic,
      "x-shopify-hmac-sha256": hmac,
      "x-shopify-shop-domain": options.shop,
      "x-shopify-api-version": options.apiVersion ?? "2026-10",
      "x-shopify-webhook-id": options.webhookId ?? randomUUID(),
      "x-shopify-event-id": options.eventId ?? randomUUID(),
      "x-shopify-triggered-at": new Date().toISOString(),
    },
  };
}

export async function postWebhook(baseUrl: string, webhook: SignedWebhook & { topic?: string }, topicPath?: string): Promise<Response> {
  const topic = topicPath ?? webhook.headers["x-shopify-topic"];
  return fetch(`${baseUrl}/webhooks/${topic}`, { method: "POST", headers: webhook.headers, body: webhook.body });
}
