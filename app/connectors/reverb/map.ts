// Pure: canonical order + product details + settings -> what Reverb should hold
// for this order. Decisions are docs/partners/reverb.md "Reverb, Mapping decisions" [ours]
// unless a comment cites the partner's page.
import type { SyncPlan } from "../types";
import { formatAmount, fromMinorUnits, scaleOf, toMinorUnits } from "~/orders/money";
import type { CanonicalLineItem, CanonicalOrder, ProductInfo } from "~/orders/canonical";
import type { ReverbConfig, ReverbCustomerRequest, ReverbOrderItem, ReverbOrderRequest, ReverbReferralRecord } from "./schema";

export interface ReverbPlanRequest {
  /** The advocate the order belongs to: looked up by email, created when absent, at push time. */
  customer: ReverbCustomerRequest;
  /**
   * The order body without `customer_uuid`: that id is resolved at push time, so
   * the same order always maps to the same plan (the runner compares plans).
   */
  order: Omit<ReverbOrderRequest, "customer_uuid">;
  /** Cancelled in Shopify: an order Reverb does not know yet is not created (push knows the remote id). */
  cancelled: boolean;
}

export function planReverbOrder(
  order: CanonicalOrder,
  products: ReadonlyMap<string, ProductInfo>,
  config: ReverbConfig,
): SyncPlan<ReverbPlanRequest> {
  const email = order.customer.email?.trim() ?? "";
  if (email === "") {
    return { kind: "skip", reason: "The order has no customer email: Reverb records every order against a customer found by email." };
  }

  // Custom lines (no product) have no product page and no product id to report: left out.
  const productLines = order.lineItems.filter((line): line is CanonicalLineItem & { productId: string } => line.productId !== null);
  if (productLines.length === 0) {
    return { kind: "skip", reason: "The order has only custom line items: Reverb needs at least one product (order_items is required)." };
  }

  const refunded = refundedQuantities(order);
  const items: ReverbOrderItem[] = [];
  const withoutUrl = new Map<string, string>(); // product id -> how the merchant recognises it
  for (const line of productLines) {
    // Reverb holds the order as it stands now: refunded units are taken off.
    const quantity = line.quantity - (refunded.get(line.id) ?? 0);
    if (quantity <= 0) continue;
    const product = products.get(line.productId);
    const productUrl = productPageUrl(order.shop, product);
    if (productUrl === null) {
      withoutUrl.set(line.productId, `"${line.title}" (product ${line.productId})`);
      continue;
    }
    items.push({
      product_id: line.productId,
      // Before discounts, like the order's subtotal ("before discounts and taxes", reverb-orders.txt).
      price: formatAmount(line.unitPrice.shop.amount),
      quantity: String(quantity),
      product_title: line.title,
      product_url: productUrl,
      ...(product?.imageUrl ? { product_image_url: product.imageUrl } : {}),
    });
  }
  if (withoutUrl.size > 0) {
    // product_url is REQUIRED for every item (reverb-orders.txt); a guessed URL would credit a dead page.
    return {
      kind: "skip",
      reason: `Reverb requires a product page URL for every item, and none is known for ${[...withoutUrl.values()].join(", ")}: publish the product to the online store (or check it still exists), then resync.`,
    };
  }

  const cancelled = order.cancelledAt !== null;
  const referral = referralRecord(order, config);
  return {
    kind: "send",
    request: {
      customer: customerRequest(order, email, config),
      order: {
        website_uuid: config.websiteUuid,
        order_number: order.name,
        // Reverb has no cancel call: a cancelled order is an update to 0.00 (docs/partners/reverb.md).
        subtotal: cancelled ? "0.00" : netSubtotal(order, refunded),
        order_items: items,
        ...(order.discountCodes.length > 0 ? { coupon_used: order.discountCodes.join(",") } : {}),
        ...(referral ? { referral_records: [referral] } : {}),
      },
      cancelled,
    },
  };
}

/** The online store URL from the product lookup, else the storefront path of its handle. */
export function productPageUrl(shop: string, product: ProductInfo | undefined): string | null {
  if (product?.url) return product.url;
  if (product?.handle) return `https://${shop}/products/${encodeURIComponent(product.handle)}`;
  return null;
}

function customerRequest(order: CanonicalOrder, email: string, config: ReverbConfig): ReverbCustomerRequest {
  // The canonical customer already falls back to the address names for a guest.
  const firstName = (order.customer.firstName ?? "").trim();
  const lastName = (order.customer.lastName ?? "").trim();
  const phone = (order.customer.phone ?? "").trim();
  return {
    website_uuid: config.websiteUuid,
    email,
    first_name: firstName,
    last_name: lastName,
    ...(order.customer.id ? { customer_id: order.customer.id } : {}),
    ...(phone ? { phone } : {}),
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LEVEL = /^[1-9]\d{0,2}$/;

function referralRecord(order: CanonicalOrder, config: ReverbConfig): ReverbReferralRecord | null {
  const referrerEmail = order.noteAttributes[config.referrerEmailAttribute]?.trim() ?? "";
  // A typo in a checkout attribute must not block the order itself: no record rather than a rejected order.
  if (!EMAIL.test(referrerEmail)) return null;
  const level = order.noteAttributes[config.referrerLevelAttribute]?.trim() ?? "";
  return { campaign_uuid: config.campaignUuid, level: LEVEL.test(level) ? level : "1", referrer_email: referrerEmail };
}

function refundedQuantities(order: CanonicalOrder): Map<string, number> {
  const quantities = new Map<string, number>();
  for (const refund of order.refunds) {
    for (const line of refund.lineItems) quantities.set(line.lineItemId, (quantities.get(line.lineItemId) ?? 0) + line.quantity);
  }
  return quantities;
}

/**
 * The subtotal before discounts and taxes, less what the refunded units were
 * worth on the same terms (unit price before discounts), in the shop currency.
 */
function netSubtotal(order: CanonicalOrder, refunded: ReadonlyMap<string, number>): string {
  const subtotal = order.subtotal.shop.amount;
  const scale = scaleOf(subtotal, ...order.lineItems.map((line) => line.unitPrice.shop.amount));
  let net = toMinorUnits(subtotal, scale);
  for (const line of order.lineItems) {
    const quantity = Math.min(line.quantity, refunded.get(line.id) ?? 0);
    net -= BigInt(quantity) * toMinorUnits(line.unitPrice.shop.amount, scale);
  }
  return fromMinorUnits(net > 0n ? net : 0n, scale);
}
