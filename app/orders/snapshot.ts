// The part of a Shopify order the app keeps (one row per shop + order, written
// by the ingest, read by the worker). Only what buildCanonicalOrder needs is
// stored, already normalised by the webhook schema (./webhook-schema.ts): ids as
// decimal strings, timestamps as UTC ISO 8601, money as shop + presentment
// pairs, blank strings as null. The snapshot is plain JSON, so JSON.parse of a
// stored one is safe (no number in it is an id).

export interface SnapshotMoney {
  amount: string;
  currency: string;
}

/** A value in the shop's currency and in the currency the buyer paid in (Shopify's *_set). */
export interface SnapshotMoneySet {
  shop: SnapshotMoney;
  presentment: SnapshotMoney;
}

export interface SnapshotCustomer {
  id: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
}

export interface SnapshotAddress {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  zip: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface SnapshotNameValue {
  name: string;
  value: string;
}

export interface SnapshotLineItem {
  id: string;
  productId: string | null;
  variantId: string | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  vendor: string | null;
  quantity: number;
  /** Unit price before discounts. */
  price: SnapshotMoneySet;
  /** Each allocation is for the whole line (all units). */
  discountAllocations: SnapshotMoneySet[];
  /** The line's taxes, each for the whole line (Shopify tax_lines); absent in snapshots stored before they were kept. */
  taxLines?: SnapshotTaxLine[];
  properties: SnapshotNameValue[];
  requiresShipping: boolean;
}

export interface SnapshotTaxLine {
  /** The rate as a decimal string ("0.2" for 20 %); null when Shopify sent none. */
  rate: string | null;
  amount: SnapshotMoneySet;
}

export interface SnapshotFulfillment {
  id: string;
  status: string | null;
  shipmentStatus: string | null;
  createdAt: string;
  updatedAt: string;
  trackingNumbers: string[];
  lineItems: { lineItemId: string; quantity: number }[];
}

export interface SnapshotRefund {
  id: string;
  createdAt: string;
  lineItems: { lineItemId: string; quantity: number }[];
}

export const ORDER_SNAPSHOT_VERSION = 1;

export interface OrderSnapshot {
  /** Bumped when the stored shape changes, so an old row can be recognised. */
  version: typeof ORDER_SNAPSHOT_VERSION;
  orderId: string;
  /** What the merchant sees, e.g. "#1001". */
  orderName: string;
  /** The buyer's email: order email, else contact_email, else the customer's; null when none. */
  email: string | null;
  /** Null for a guest order. */
  customerId: string | null;
  /** Order-level phone (Shopify `phone`). */
  phone: string | null;
  createdAt: string;
  /** Shopify's updated_at (UTC ISO): the ingest keeps the newest snapshot by it. */
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  financialStatus: string | null;
  test: boolean;
  /** Shop currency. */
  currency: string;
  presentmentCurrency: string;
  /** total_line_items_price: line prices before discounts (tax included when taxesIncluded). */
  subtotal: SnapshotMoneySet;
  /** Shopify's taxes_included: the shop's prices include tax; absent in snapshots stored before it was kept. */
  taxesIncluded?: boolean;
  totalShipping: SnapshotMoneySet;
  total: SnapshotMoneySet;
  discountCodes: string[];
  noteAttributes: SnapshotNameValue[];
  customer: SnapshotCustomer | null;
  shippingAddress: SnapshotAddress | null;
  billingAddress: SnapshotAddress | null;
  lineItems: SnapshotLineItem[];
  fulfillments: SnapshotFulfillment[];
  refunds: SnapshotRefund[];
  /** Set by redactSnapshotPii (customers/redact); a redacted snapshot holds no customer PII. */
  piiRedacted: boolean;
}
