// Pure: canonical order + settings -> the card Postcards prints.
import type { CanonicalOrder, ProductInfo } from "~/orders/canonical";
import type { SyncPlan } from "~/connectors/types";
import type { PostcardsCardRequest, PostcardsConfig } from "./schema";

export type PostcardsPlanRequest = PostcardsCardRequest;

export function planPostcardsOrder(order: CanonicalOrder, _products: ReadonlyMap<string, ProductInfo>, config: PostcardsConfig): SyncPlan<PostcardsPlanRequest> {
  if (order.cancelledAt && config.skipCancelled) return { kind: "skip", reason: "The order was cancelled: no card is sent for it." };
  const items = order.lineItems.flatMap((line) => {
    const quantity = line.quantity - line.refundedQuantity;
    return line.sku && quantity > 0 ? [{ sku: line.sku, quantity }] : [];
  });
  if (items.length === 0) return { kind: "skip", reason: "No line of the order has a SKU: the card would be empty." };
  return { kind: "send", request: { order_ref: order.name, sender: config.senderName, items } };
}
