// The one model connectors see (docs/architecture.md rule 1): built once, purely, from
// the stored Shopify snapshot by buildCanonicalOrder (app/orders/build.ts).
// Ids are decimal strings: Shopify ids exceed 2^53 and must never be rounded.
// The parts the snapshot stores as they are (money, addresses, the customer,
// tax lines, refunds) are these same types (app/orders/snapshot.ts).

export interface Money {
  /**
   * Decimal string, e.g. "23.50": in the canonical order with the currency's usual
   * precision; in the snapshot as Shopify sent it.
   */
  amount: string;
  /** ISO 4217 code, e.g. "EUR". */
  currency: string;
}

/** A value in the shop's currency and in the currency the customer paid in. */
export interface MoneyPair {
  shop: Money;
  presentment: Money;
}

export interface CanonicalAddress {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  zip: string | null;
  /** ISO 3166-1 alpha-2. */
  countryCode: string | null;
  phone: string | null;
}

export interface CanonicalCustomer {
  /** Shopify customer id; null for a guest order. */
  id: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
}

export interface CanonicalLineItem {
  id: string;
  productId: string | null;
  variantId: string | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  vendor: string | null;
  quantity: number;
  /** Units of this line the order's refunds took back, at most `quantity`: partners hold the order as it stands now. */
  refundedQuantity: number;
  /** Unit price before discounts. */
  unitPrice: MoneyPair;
  /** Unit price after this line's discount allocations, taxes as charged. */
  unitPriceAfterDiscounts: MoneyPair;
  /** The line's taxes, each for the whole line (all units); included in the prices when the order's taxesIncluded. */
  taxLines: CanonicalTaxLine[];
  /** Variant options and line properties, e.g. { Size: "M" }. */
  properties: Record<string, string>;
  requiresShipping: boolean;
}

export interface CanonicalTaxLine {
  /** Decimal string, "0.2" for 20 %; null when Shopify sent none. */
  rate: string | null;
  amount: MoneyPair;
}

/** Units of one line item in a fulfillment or a refund. */
export interface LineItemQuantity {
  lineItemId: string;
  quantity: number;
}

export interface CanonicalFulfillment {
  id: string;
  status: string | null;
  /** False when the fulfillment failed or was cancelled (status cancelled, error, failure): it never reached the customer. */
  shipped: boolean;
  shipmentStatus: string | null;
  createdAt: string;
  /** When the carrier reported delivery, if known (ISO 8601). */
  deliveredAt: string | null;
  trackingNumbers: string[];
  lineItems: LineItemQuantity[];
}

export interface CanonicalRefund {
  id: string;
  createdAt: string;
  lineItems: LineItemQuantity[];
}

export interface CanonicalOrder {
  shop: string;
  id: string;
  /** What the merchant sees, e.g. "#1001". */
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  financialStatus: string | null;
  test: boolean;
  customer: CanonicalCustomer;
  shippingAddress: CanonicalAddress | null;
  billingAddress: CanonicalAddress | null;
  shopCurrency: string;
  presentmentCurrency: string;
  /** Sum of line prices before discounts (Shopify total_line_items_price): tax included when taxesIncluded. */
  subtotal: MoneyPair;
  /**
   * Shopify's taxes_included: line prices and the subtotal include tax (most EU and UK
   * shops). Null for an order stored before the app kept it: not known.
   */
  taxesIncluded: boolean | null;
  totalShipping: MoneyPair;
  total: MoneyPair;
  discountCodes: string[];
  /** Checkout note attributes, name -> value. */
  noteAttributes: Record<string, string>;
  lineItems: CanonicalLineItem[];
  fulfillments: CanonicalFulfillment[];
  refunds: CanonicalRefund[];
  /**
   * The shop's IANA time zone (Shopify's shop { ianaTimezone }; "UTC" when not known): a
   * partner field that is a day, not an instant (TestFreaks' delivery_date), is the shop's day.
   */
  timeZone: string;
}

/** Product details the webhook does not carry, looked up through the Admin GraphQL API. */
export interface ProductInfo {
  productId: string;
  handle: string | null;
  title: string | null;
  /** Online store URL; null when the product is not published there. */
  url: string | null;
  imageUrl: string | null;
  vendor: string | null;
  productType: string | null;
  /**
   * Each variant's options by decimal variant id, e.g. { "4011": [{ name: "Size", value: "M" }] }:
   * the product's attributes, chosen from the merchant's catalogue (never typed by the buyer).
   * Absent when the look-up did not ask for them; a variant missing from it has none known.
   */
  variantOptions?: Record<string, VariantOption[]>;
}

/** One option of a variant as Shopify names it (Admin GraphQL `selectedOptions`). */
export interface VariantOption {
  name: string;
  value: string;
}
