// The part of a Shopify order the app keeps (one row per shop + order, written
// by the ingest, read by the worker). Only what buildCanonicalOrder needs is
// stored, already normalised by the webhook schema (./webhook-schema.ts): ids as
// decimal strings, timestamps as UTC ISO 8601, money as shop + presentment
// pairs, blank strings as null. The snapshot is plain JSON, so JSON.parse of a
// stored one is safe (no number in it is an id). Its money, addresses, customer,
// tax lines and refunds are the canonical order's own types (./canonical.ts).
import type { CanonicalAddress, CanonicalCustomer, CanonicalRefund, CanonicalTaxLine, LineItemQuantity, MoneyPair } from "./canonical";

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
  price: MoneyPair;
  /** Each allocation is for the whole line (all units). */
  discountAllocations: MoneyPair[];
  /** The line's taxes, each for the whole line (Shopify tax_lines); absent in snapshots stored before they were kept. */
  taxLines?: CanonicalTaxLine[];
  properties: SnapshotNameValue[];
  requiresShipping: boolean;
}

export interface SnapshotFulfillment {
  id: string;
  status: string | null;
  shipmentStatus: string | null;
  createdAt: string;
  updatedAt: string;
  trackingNumbers: string[];
  lineItems: LineItemQuantity[];
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
  subtotal: MoneyPair;
  /** Shopify's taxes_included: the shop's prices include tax; absent in snapshots stored before it was kept. */
  taxesIncluded?: boolean;
  totalShipping: MoneyPair;
  total: MoneyPair;
  discountCodes: string[];
  noteAttributes: SnapshotNameValue[];
  customer: CanonicalCustomer | null;
  shippingAddress: CanonicalAddress | null;
  billingAddress: CanonicalAddress | null;
  lineItems: SnapshotLineItem[];
  fulfillments: SnapshotFulfillment[];
  refunds: CanonicalRefund[];
  /** Set by redactSnapshotPii (customers/redact); a redacted snapshot holds no customer PII. */
  piiRedacted: boolean;
}
