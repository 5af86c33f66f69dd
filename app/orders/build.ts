// Stored snapshot -> the canonical order every connector reads (docs/architecture.md
// rule 1). Pure: same snapshot, same order; no clock, no I/O.
import type { CanonicalAddress, CanonicalCustomer, CanonicalFulfillment, CanonicalLineItem, CanonicalOrder, Money, MoneyPair } from "./canonical";
import { formatAmount, unitPriceAfterAllocations } from "./money";
import type { OrderSnapshot, SnapshotFulfillment, SnapshotLineItem, SnapshotNameValue } from "./snapshot";

/** `timeZone`: the shop's (app/shopify/shop-zone.server.ts), for the partners' days; UTC when not known. */
export function buildCanonicalOrder(shop: string, snapshot: OrderSnapshot, timeZone = "UTC"): CanonicalOrder {
  return {
    shop,
    timeZone,
    id: snapshot.orderId,
    name: snapshot.orderName,
    createdAt: snapshot.createdAt,
    updatedAt: snapshot.updatedAt,
    cancelledAt: snapshot.cancelledAt,
    cancelReason: snapshot.cancelReason,
    financialStatus: snapshot.financialStatus,
    test: snapshot.test,
    customer: buildCustomer(snapshot),
    shippingAddress: snapshot.shippingAddress ? buildAddress(snapshot.shippingAddress) : null,
    billingAddress: snapshot.billingAddress ? buildAddress(snapshot.billingAddress) : null,
    shopCurrency: snapshot.currency,
    presentmentCurrency: snapshot.presentmentCurrency,
    subtotal: moneyPair(snapshot.subtotal),
    taxesIncluded: snapshot.taxesIncluded ?? null,
    totalShipping: moneyPair(snapshot.totalShipping),
    total: moneyPair(snapshot.total),
    discountCodes: [...snapshot.discountCodes],
    noteAttributes: toRecord(snapshot.noteAttributes),
    lineItems: snapshot.lineItems.map((line) => buildLineItem(line, refundedUnits(snapshot, line.id))),
    fulfillments: snapshot.fulfillments.map(buildFulfillment),
    refunds: snapshot.refunds.map((refund) => ({
      id: refund.id,
      createdAt: refund.createdAt,
      lineItems: refund.lineItems.map((line) => ({ ...line })),
    })),
  };
}

/**
 * A guest order (draft or checkout without an account) has no customer: its id
 * stays null and the email comes from the order (snapshot.email already falls
 * back order email -> contact_email -> customer email, blank -> null). Names
 * fall back to the billing, then the shipping address, so Revers.io's
 * customerFirstName/LastName are filled for guests too.
 */
function buildCustomer(snapshot: OrderSnapshot): CanonicalCustomer {
  const customer = snapshot.customer;
  const addresses = [snapshot.billingAddress, snapshot.shippingAddress];
  const fromAddresses = (pick: (address: CanonicalAddress) => string | null): string | null => addresses.map((address) => (address ? pick(address) : null)).find((value) => value !== null) ?? null;
  return {
    id: snapshot.customerId,
    email: snapshot.email,
    firstName: customer?.firstName ?? fromAddresses((address) => address.firstName),
    lastName: customer?.lastName ?? fromAddresses((address) => address.lastName),
    phone: customer?.phone ?? snapshot.phone,
  };
}

function buildAddress(address: CanonicalAddress): CanonicalAddress {
  return { ...address };
}

function money(value: { amount: string; currency: string }): Money {
  return { amount: formatAmount(value.amount), currency: value.currency };
}

function moneyPair(set: MoneyPair): MoneyPair {
  return { shop: money(set.shop), presentment: money(set.presentment) };
}

function buildLineItem(line: SnapshotLineItem, refunded: number): CanonicalLineItem {
  return {
    id: line.id,
    productId: line.productId,
    variantId: line.variantId,
    sku: line.sku,
    title: line.title,
    variantTitle: line.variantTitle,
    vendor: line.vendor,
    quantity: line.quantity,
    refundedQuantity: Math.min(line.quantity, refunded),
    unitPrice: moneyPair(line.price),
    unitPriceAfterDiscounts: {
      shop: discountedUnitPrice(line, "shop"),
      presentment: discountedUnitPrice(line, "presentment"),
    },
    taxLines: (line.taxLines ?? []).map((tax) => ({ rate: tax.rate, amount: moneyPair(tax.amount) })),
    properties: lineProperties(line.properties),
    requiresShipping: line.requiresShipping,
  };
}

/** The units of the line all the order's refunds took back together. */
function refundedUnits(snapshot: OrderSnapshot, lineItemId: string): number {
  let units = 0;
  for (const refund of snapshot.refunds) {
    for (const line of refund.lineItems) if (line.lineItemId === lineItemId) units += line.quantity;
  }
  return units;
}

/**
 * (unit price * quantity - the line's discount allocations) / quantity, rounded
 * half-up (docs/partners/reversio.md, Revers.io: "price = unit price after the line's
 * discount allocations"). An allocation whose presentment side is in another
 * currency than the line's (an old payload missing amount_set on a
 * multi-currency order) cannot be subtracted there, so the presentment side
 * then falls back to the shop money rather than mixing currencies.
 */
function discountedUnitPrice(line: SnapshotLineItem, side: "shop" | "presentment"): Money {
  const price = line.price[side];
  const allocations = line.discountAllocations.map((allocation) => allocation[side]);
  if (allocations.some((allocation) => allocation.currency !== price.currency)) {
    return side === "presentment" ? discountedUnitPrice(line, "shop") : money(price);
  }
  return {
    amount: unitPriceAfterAllocations(
      price.amount,
      line.quantity,
      allocations.map((allocation) => allocation.amount),
    ),
    currency: price.currency,
  };
}

/**
 * The line's properties (what the buyer entered on the product page, e.g. an
 * engraving), name -> value. Two deliberate limits:
 * - Names starting with "_" are private properties: Shopify hides them from the
 *   buyer at checkout and apps use them for bookkeeping
 *   (`_is_spiritapp_product`), so they are not for partners to show.
 * - Variant options are not parsed out of variant_title ("M / Red"): the
 *   webhook does not carry the option names (Size, Color), and "Option 1: M"
 *   would mean nothing on a review page. variantTitle is on the line as is;
 *   named options would need the variant's selectedOptions from the Admin API.
 */
function lineProperties(properties: SnapshotNameValue[]): Record<string, string> {
  return toRecord(properties.filter((property) => !property.name.startsWith("_")));
}

/** name -> value; a repeated name keeps its last value, as Shopify's admin shows it. */
function toRecord(entries: SnapshotNameValue[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { name, value } of entries) record[name] = value;
  return record;
}

/** Fulfillment statuses (Shopify `status`) of a fulfillment that failed or was cancelled. */
const NOT_SHIPPED = new Set(["cancelled", "error", "failure"]);

/**
 * deliveredAt: Shopify's fulfillment webhook has no delivered_at. When the
 * carrier tracking reports shipment_status "delivered", we take the
 * fulfillment's updated_at as the delivery time: the status change is what
 * updates the fulfillment, so it is the closest timestamp Shopify gives (a
 * later edit of the fulfillment would move it, which at worst delays a
 * TestFreaks review invitation). Any other status: not delivered (null), and
 * TestFreaks falls back to createdAt (docs/partners/testfreaks.md).
 */
function buildFulfillment(fulfillment: SnapshotFulfillment): CanonicalFulfillment {
  return {
    id: fulfillment.id,
    status: fulfillment.status,
    shipped: !NOT_SHIPPED.has(fulfillment.status ?? ""),
    shipmentStatus: fulfillment.shipmentStatus,
    createdAt: fulfillment.createdAt,
    deliveredAt: fulfillment.shipmentStatus === "delivered" ? fulfillment.updatedAt : null,
    trackingNumbers: [...fulfillment.trackingNumbers],
    lineItems: fulfillment.lineItems.map((line) => ({ ...line })),
  };
}
