// Pure: canonical order + product details + settings -> what Reverb should hold
// for this order. Decisions are docs/partners/reverb.md "Reverb, Mapping decisions" [ours]
// unless a comment cites the partner's page.
import type { SyncPlan } from "../types";
import { fromMinorUnits, isDecimalString, scaleOf, toMinorUnits } from "~/orders/money";
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

export function planReverbOrder(order: CanonicalOrder, products: ReadonlyMap<string, ProductInfo>, config: ReverbConfig): SyncPlan<ReverbPlanRequest> {
  const email = order.customer.email?.trim() ?? "";
  if (email === "") {
    return { kind: "skip", reason: "The order has no customer email: Reverb records every order against a customer found by email." };
  }

  // Custom lines (no product) have no product page and no product id to report: left out.
  const productLines = order.lineItems.filter((line): line is CanonicalLineItem & { productId: string } => line.productId !== null);
  if (productLines.length === 0) {
    return { kind: "skip", reason: "The order has only custom line items: Reverb needs at least one product (order_items is required)." };
  }

  // "before discounts and taxes" (docs/partners/reverb.md "Tax"): where the
  // shop's prices include tax, the tax comes out of prices and subtotal, unless the
  // merchant's programme counts commissions on tax-inclusive amounts.
  const withoutTax = order.taxesIncluded === true && config.subtotalIncludesTax !== true;
  const scale = moneyScale(order);
  const items: ReverbOrderItem[] = [];
  const withoutUrl = new Map<string, string>(); // product id -> how the merchant recognises it
  for (const line of productLines) {
    // Reverb holds the order as it stands now: refunded units are taken off.
    const quantity = line.quantity - line.refundedQuantity;
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
      price: fromMinorUnits(unitPriceSent(line, scale, withoutTax), scale),
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
        subtotal: cancelled ? "0.00" : netSubtotal(order, scale, withoutTax),
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

/** The decimals every amount sent for this order carries (at least two). */
function moneyScale(order: CanonicalOrder): number {
  return scaleOf(order.subtotal.shop.amount, ...order.lineItems.flatMap((line) => [line.unitPrice.shop.amount, ...line.taxLines.map((tax) => tax.amount.shop.amount)]));
}

/** "0.2" -> [2n, 10n]; null when the rate is not a plain non-negative decimal. */
function rateFraction(rate: string | null): [bigint, bigint] | null {
  if (rate === null || !isDecimalString(rate) || rate.startsWith("-")) return null;
  const [whole = "0", fraction = ""] = rate.split(".");
  return [BigInt(whole + fraction), 10n ** BigInt(fraction.length)];
}

/**
 * The tax inside one unit's price (minor units), for a tax-inclusive line. From the
 * rates when Shopify sent them all: price - price / (1 + sum of rates), the tax on
 * the price before discounts, which is what the subtotal is. Else the line's tax
 * amounts spread over its units (those are on the discounted price: a little low).
 */
export function includedTaxPerUnit(line: CanonicalLineItem, scale: number): bigint {
  if (line.taxLines.length === 0) return 0n;
  const price = toMinorUnits(line.unitPrice.shop.amount, scale);
  const rates = line.taxLines.map((tax) => rateFraction(tax.rate));
  if (rates.every((rate): rate is [bigint, bigint] => rate !== null)) {
    // Sum of rates as one fraction over the largest denominator (all are powers of ten).
    const denominator = rates.reduce((max, [, d]) => (d > max ? d : max), 1n);
    const numerator = rates.reduce((sum, [n, d]) => sum + n * (denominator / d), 0n);
    if (numerator === 0n) return 0n;
    return price - roundHalfUp(price * denominator, denominator + numerator);
  }
  if (line.quantity <= 0) return 0n;
  const lineTax = line.taxLines.reduce((sum, tax) => sum + toMinorUnits(tax.amount.shop.amount, scale), 0n);
  return roundHalfUp(lineTax, BigInt(line.quantity));
}

function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = (magnitude * 2n + denominator) / (denominator * 2n);
  return negative ? -quotient : quotient;
}

/** The unit price sent: before discounts, and without its tax when `withoutTax`. */
function unitPriceSent(line: CanonicalLineItem, scale: number, withoutTax: boolean): bigint {
  const price = toMinorUnits(line.unitPrice.shop.amount, scale);
  return withoutTax ? price - includedTaxPerUnit(line, scale) : price;
}

/**
 * The subtotal before discounts (and without the tax it includes, when
 * `withoutTax`), less what the refunded units were worth on the same terms,
 * in the shop currency.
 */
function netSubtotal(order: CanonicalOrder, scale: number, withoutTax: boolean): string {
  let net = toMinorUnits(order.subtotal.shop.amount, scale);
  for (const line of order.lineItems) {
    net -= BigInt(line.refundedQuantity) * toMinorUnits(line.unitPrice.shop.amount, scale);
    if (withoutTax) net -= BigInt(line.quantity - line.refundedQuantity) * includedTaxPerUnit(line, scale);
  }
  return fromMinorUnits(net > 0n ? net : 0n, scale);
}
