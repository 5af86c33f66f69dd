// Re-reading an order from the Admin GraphQL API, for the admin's resync: a
// stored snapshot may be older than the order (a webhook lost, or the merchant
// fixed the order in Shopify), and the merchant's "Resync" must never re-send it.
// The query is ./order-query.ts, the translation into a snapshot ./order-translate.ts.
import { z } from "zod";
import { ShopifyError, trimMessage } from "~/connectors/errors";
import type { OrderSnapshot } from "~/orders/snapshot";
import type { ShopifyGraphql } from "./admin-graphql.server";
import { readGraphqlErrors } from "./graphql-errors";
import { ORDER_FOR_SYNC_QUERY, orderGid } from "./order-query";
import { snapshotFromGraphqlOrder } from "./order-translate";

const answerSchema = z.object({ data: z.object({ order: z.unknown().nullable() }).nullish() });

export type OrderReadResult = { ok: true; snapshot: OrderSnapshot } | { ok: false; reason: "not_found" | "unreadable" | "unavailable"; message: string; retryAfterMs?: number };

/**
 * Asks Shopify for the order now. Never throws: a failure is a message for the
 * merchant ("unavailable" when trying again later can help).
 */
export async function readOrderFromShopify(graphql: ShopifyGraphql, orderId: string): Promise<OrderReadResult> {
  let body: unknown;
  try {
    body = await graphql(ORDER_FOR_SYNC_QUERY, { id: orderGid(orderId) });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const retryAfterMs = error instanceof ShopifyError ? error.retryAfterMs : undefined;
    return { ok: false, reason: "unavailable", message: `Could not read the order from Shopify: ${trimMessage(detail)}`, ...(retryAfterMs ? { retryAfterMs } : {}) };
  }
  // With errors the data may be partial (e.g. customer fields withheld): never store it.
  const errors = readGraphqlErrors(body);
  if (errors?.throttled) {
    return { ok: false, reason: "unavailable", message: "Shopify asked us to slow down; try again in a minute", ...(errors.waitMs ? { retryAfterMs: errors.waitMs } : {}) };
  }
  if (errors) return { ok: false, reason: "unreadable", message: `Shopify refused to return the order: ${errors.message}` };
  const answer = answerSchema.safeParse(body);
  if (!answer.success) return { ok: false, reason: "unavailable", message: "Shopify sent an answer we could not read; try again in a moment" };
  const node = answer.data.data?.order;
  if (node == null) return { ok: false, reason: "not_found", message: "Shopify no longer has this order (it may have been deleted)" };
  const snapshot = snapshotFromGraphqlOrder(node);
  if (!snapshot.ok) return { ok: false, reason: "unreadable", message: snapshot.error };
  return { ok: true, snapshot: snapshot.snapshot };
}
