// Webhook topics as Shopify sends them in X-Shopify-Topic, and as the app
// subscribes to them in shopify.app.toml.
export const ORDER_TOPICS = ["orders/create", "orders/updated", "orders/cancelled"] as const;
export const FULFILLMENT_TOPICS = ["fulfillments/create", "fulfillments/update"] as const;
// A refund arrives on its own, before (or without) an orders/updated: merged into the
// stored order like a fulfillment is (app/sync/inbox.server.ts).
export const REFUND_TOPICS = ["refunds/create"] as const;
export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;
export const APP_TOPICS = ["app/uninstalled", "app/scopes_update"] as const;
export const ALL_TOPICS = [...ORDER_TOPICS, ...FULFILLMENT_TOPICS, ...REFUND_TOPICS, ...APP_TOPICS, ...COMPLIANCE_TOPICS] as const;
export type Topic = (typeof ALL_TOPICS)[number];

/** "ORDERS_CREATE" (how @shopify/shopify-api reports it) or "orders/create" -> "orders/create". */
export function normalizeTopic(raw: string): Topic | null {
  const lower = raw.toLowerCase();
  const slashed = lower.includes("/") ? lower : lower.replace("_", "/");
  return (ALL_TOPICS as readonly string[]).includes(slashed) ? (slashed as Topic) : null;
}
