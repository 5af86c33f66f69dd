// How a fulfillment or refund that arrives on its own (fulfillments/*,
// refunds/create) changes the stored snapshot of its order.
import type { CanonicalRefund } from "./canonical";
import type { OrderSnapshot, SnapshotFulfillment } from "./snapshot";

/**
 * The snapshot with this fulfillment inserted, or put in place of the stored
 * one with the same id. A fulfillment whose updated_at is older than the stored
 * one's is a late retry of an older webhook and changes nothing. The order's
 * own updatedAt is left alone: it is Shopify's order clock, which the ingest
 * compares against later orders/* webhooks.
 */
export function mergeFulfillment(snapshot: OrderSnapshot, fulfillment: SnapshotFulfillment): OrderSnapshot {
  const index = snapshot.fulfillments.findIndex((stored) => stored.id === fulfillment.id);
  if (index === -1) return { ...snapshot, fulfillments: [...snapshot.fulfillments, fulfillment] };
  const stored = snapshot.fulfillments[index]!;
  if (Date.parse(fulfillment.updatedAt) < Date.parse(stored.updatedAt)) return snapshot;
  const fulfillments = snapshot.fulfillments.slice();
  fulfillments[index] = fulfillment;
  return { ...snapshot, fulfillments };
}

/**
 * The snapshot with this refund added. Shopify never changes a refund once
 * made, so one already held (same id: a redelivery, or the copy an
 * orders/updated carried) changes nothing. The order's updatedAt is left alone,
 * as for fulfillments.
 */
export function mergeRefund(snapshot: OrderSnapshot, refund: CanonicalRefund): OrderSnapshot {
  if (snapshot.refunds.some((stored) => stored.id === refund.id)) return snapshot;
  return { ...snapshot, refunds: [...snapshot.refunds, refund] };
}
