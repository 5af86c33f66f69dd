// The part of a Shopify order webhook the app keeps (one row per shop + order,
// written by the ingest, read by the worker) and the zod schema that reads it
// out of a webhook body. Only what buildCanonicalOrder needs is stored, already
// normalised: ids as decimal strings, timestamps as UTC ISO 8601, money as
// shop + presentment pairs, blank strings as null. The snapshot is plain JSON,
// so JSON.parse of a stored one is safe (no number in it is an id).
//
// Bodies must be parsed with parseJsonLossless (./json.ts): JSON.parse rounds
// ids above 2^53. Where a rounded id could still arrive, the schema prefers the
// exact digits of admin_graphql_api_id and otherwise refuses an id that is not
// a safe integer instead of storing a wrong one.
import { z } from "zod";
import { isDecimalString, sumAmounts } from "./money";

// ---------------------------------------------------------------------------
// The stored shape

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

export type ExtractResult<T> = ({ ok: true } & T) | { ok: false; error: string };

// ---------------------------------------------------------------------------
// Field schemas

type Issues = z.core.$ZodRawIssue[];

/** A schema-level message that still lets a missing field read "is required". */
function unlessMissing(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : message);
}

// Shopify sends ids as JSON numbers; parseJsonLossless turns the big ones into
// digit strings. Any whole number is accepted here, even one past 2^53: the
// object's GID may still give the exact id (resolveId); idToString refuses it otherwise.
const idInput = z.union([z.string().regex(/^\d+$/), z.number().refine((n) => Number.isInteger(n) && n >= 0)], {
  error: unlessMissing("expected an id (a whole number, or a string of digits)"),
});
type IdInput = z.infer<typeof idInput>;

const gidInput = z
  .string()
  .regex(/^gid:\/\/shopify\/\w+\/\d+$/, { error: "expected a Shopify GID like gid://shopify/Order/123" })
  .nullish();

function gidDigits(gid: string | null | undefined): string | null {
  return gid ? gid.slice(gid.lastIndexOf("/") + 1) : null;
}

/**
 * The id as a decimal string. A number outside the safe-integer range has
 * already been rounded by whoever parsed the body, so it is refused.
 */
function idToString(id: IdInput, issues: Issues, path: PropertyKey[]): string {
  if (typeof id === "number" && !Number.isSafeInteger(id)) {
    issues.push({
      code: "custom",
      input: id,
      path,
      message: "id above 2^53 arrived as a rounded number; parse the body with parseJsonLossless",
    });
  }
  return String(id);
}

/** The exact id of an object: the digits of admin_graphql_api_id when present, else `id`. */
function resolveId(
  raw: { id?: IdInput | null | undefined; admin_graphql_api_id?: string | null | undefined },
  issues: Issues,
): string {
  const fromGid = gidDigits(raw.admin_graphql_api_id);
  if (fromGid) return fromGid;
  if (raw.id == null) {
    issues.push({ code: "custom", input: raw.id, path: ["id"], message: "is required" });
    return "";
  }
  return idToString(raw.id, issues, ["id"]);
}

const optionalId = idInput.nullish().transform((id, ctx) => (id == null ? null : idToString(id, ctx.issues, [])));

/** Free text where Shopify uses "" and null alike for "none": trimmed, blank -> null. */
const optionalText = z
  .string()
  .nullish()
  .transform((text) => {
    const trimmed = text?.trim();
    return trimmed ? trimmed : null;
  });

// With a zone (Shopify always sends one), so no machine's local time zone can shift it.
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const timestamp = z
  .string()
  .refine((text) => ISO_TIMESTAMP.test(text) && !Number.isNaN(Date.parse(text)), {
    error: "expected an ISO 8601 timestamp with a zone, like 2024-02-02T15:57:33-05:00",
  })
  .transform((text) => new Date(text).toISOString());

const amount = z
  .union([z.string(), z.number()], { error: unlessMissing("expected an amount (a decimal string)") })
  .transform((value) => String(value))
  .refine(isDecimalString, { error: 'expected an amount like "12.50"' });

const currencyCode = z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 currency code like "EUR"' });

const moneyInput = z.object({ amount, currency_code: currencyCode });
const moneySetInput = z
  .object({ shop_money: moneyInput, presentment_money: moneyInput })
  .nullish()
  .transform((set) =>
    set
      ? {
          shop: { amount: set.shop_money.amount, currency: set.shop_money.currency_code },
          presentment: { amount: set.presentment_money.amount, currency: set.presentment_money.currency_code },
        }
      : null,
  );

/**
 * Shopify's *_set when present; otherwise (older payloads) the plain amount,
 * which is in the shop currency, stands for both sides: the presentment side
 * then honestly says the shop currency rather than pairing a shop amount with
 * the buyer's currency.
 */
function moneyOrFallback(set: SnapshotMoneySet | null, plain: string, shopCurrency: string): SnapshotMoneySet {
  return (
    set ?? { shop: { amount: plain, currency: shopCurrency }, presentment: { amount: plain, currency: shopCurrency } }
  );
}

/** Line property / note attribute values are strings in practice; tolerate numbers, booleans and null. */
const attributeValue = z
  .union([z.string(), z.number(), z.boolean(), z.null()], { error: unlessMissing("expected a text value") })
  .optional()
  .transform((value) => (value == null ? "" : String(value)));

const nameValueList = z
  .array(z.object({ name: z.union([z.string(), z.number()]).transform(String), value: attributeValue }))
  .nullish()
  .transform((list) => list ?? []);

function listOf<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((list): z.output<T>[] => list ?? []);
}

const customerInput = z
  .object({
    id: idInput.nullish(),
    admin_graphql_api_id: gidInput,
    email: optionalText,
    first_name: optionalText,
    last_name: optionalText,
    phone: optionalText,
  })
  .nullish()
  .transform((raw, ctx): SnapshotCustomer | null => {
    if (!raw) return null;
    // A customer object without any id is treated like a guest, not refused:
    // the order itself is still good.
    const hasId = raw.id != null || raw.admin_graphql_api_id != null;
    return {
      id: hasId ? resolveId(raw, ctx.issues) : null,
      email: raw.email,
      firstName: raw.first_name,
      lastName: raw.last_name,
      phone: raw.phone,
    };
  });

const addressInput = z
  .object({
    first_name: optionalText,
    last_name: optionalText,
    company: optionalText,
    address1: optionalText,
    address2: optionalText,
    city: optionalText,
    province: optionalText,
    zip: optionalText,
    country_code: optionalText,
    phone: optionalText,
  })
  .nullish()
  .transform((raw): SnapshotAddress | null =>
    raw
      ? {
          firstName: raw.first_name,
          lastName: raw.last_name,
          company: raw.company,
          address1: raw.address1,
          address2: raw.address2,
          city: raw.city,
          province: raw.province,
          zip: raw.zip,
          countryCode: raw.country_code,
          phone: raw.phone,
        }
      : null,
  );

const quantity = z.number().int({ error: "expected a whole number" }).nonnegative();

const fulfillmentLineInput = z
  .object({ id: idInput.nullish(), admin_graphql_api_id: gidInput, quantity })
  .transform((raw, ctx) => ({ lineItemId: resolveId(raw, ctx.issues), quantity: raw.quantity }));

const fulfillmentFields = {
  id: idInput.nullish(),
  admin_graphql_api_id: gidInput,
  status: optionalText,
  shipment_status: optionalText,
  created_at: timestamp,
  updated_at: timestamp.nullish(),
  tracking_number: optionalText,
  tracking_numbers: z.array(z.string()).nullish(),
  line_items: listOf(fulfillmentLineInput),
};

type FulfillmentInput = z.output<z.ZodObject<typeof fulfillmentFields>>;

function toSnapshotFulfillment(raw: FulfillmentInput, issues: Issues): SnapshotFulfillment {
  // tracking_numbers is the full list; tracking_number is its first entry
  // (kept for older payloads that only have the single field).
  const trackingNumbers = [...(raw.tracking_numbers ?? []), ...(raw.tracking_number ? [raw.tracking_number] : [])]
    .map((number) => number.trim())
    .filter((number, index, all) => number !== "" && all.indexOf(number) === index);
  return {
    id: resolveId(raw, issues),
    status: raw.status,
    shipmentStatus: raw.shipment_status,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at ?? raw.created_at,
    trackingNumbers,
    lineItems: raw.line_items,
  };
}

const fulfillmentInput = z.object(fulfillmentFields).transform((raw, ctx) => toSnapshotFulfillment(raw, ctx.issues));

const refundLineInput = z
  .object({
    line_item_id: idInput.nullish(),
    quantity,
    line_item: z.object({ admin_graphql_api_id: gidInput }).nullish(),
  })
  .transform((raw, ctx) => {
    // line_item_id has no GID of its own; the nested line item carries the exact one.
    const fromGid = gidDigits(raw.line_item?.admin_graphql_api_id);
    let lineItemId = fromGid ?? "";
    if (!fromGid) {
      if (raw.line_item_id == null)
        ctx.issues.push({ code: "custom", input: null, path: ["line_item_id"], message: "is required" });
      else lineItemId = idToString(raw.line_item_id, ctx.issues, ["line_item_id"]);
    }
    return { lineItemId, quantity: raw.quantity };
  });

const refundFields = {
  id: idInput.nullish(),
  admin_graphql_api_id: gidInput,
  created_at: timestamp,
  refund_line_items: listOf(refundLineInput),
};

function toSnapshotRefund(raw: z.output<z.ZodObject<typeof refundFields>>, issues: Issues): SnapshotRefund {
  return { id: resolveId(raw, issues), createdAt: raw.created_at, lineItems: raw.refund_line_items };
}

const refundInput = z.object(refundFields).transform((raw, ctx) => toSnapshotRefund(raw, ctx.issues));

const lineItemInput = z
  .object({
    id: idInput.nullish(),
    admin_graphql_api_id: gidInput,
    product_id: optionalId,
    variant_id: optionalId,
    sku: optionalText,
    title: z.string(),
    variant_title: optionalText,
    vendor: optionalText,
    quantity,
    price: amount,
    price_set: moneySetInput,
    discount_allocations: listOf(z.object({ amount, amount_set: moneySetInput })),
    tax_lines: listOf(z.object({ price: amount, price_set: moneySetInput, rate: z.union([z.number(), z.string()]).nullish() })),
    properties: nameValueList,
    // Shopify always sends it; when absent, assume a physical product (the
    // conservative choice for returns).
    requires_shipping: z.boolean().nullish(),
  })
  .transform((raw, ctx) => ({ ...raw, id: resolveId(raw, ctx.issues) }));

const shippingLineInput = z.object({ price: amount, price_set: moneySetInput });

export const shopifyOrderWebhookSchema = z
  .object({
    id: idInput.nullish(),
    admin_graphql_api_id: gidInput,
    name: z.string(),
    email: optionalText,
    contact_email: optionalText,
    phone: optionalText,
    created_at: timestamp,
    updated_at: timestamp.nullish(),
    cancelled_at: timestamp.nullish(),
    cancel_reason: optionalText,
    financial_status: optionalText,
    test: z.boolean().nullish(),
    currency: currencyCode,
    presentment_currency: currencyCode.nullish(),
    total_line_items_price: amount.nullish(),
    total_line_items_price_set: moneySetInput,
    taxes_included: z.boolean().nullish(),
    total_shipping_price_set: moneySetInput,
    total_price: amount.nullish(),
    total_price_set: moneySetInput,
    shipping_lines: listOf(shippingLineInput),
    discount_codes: listOf(z.object({ code: z.string() })),
    note_attributes: nameValueList,
    customer: customerInput,
    shipping_address: addressInput,
    billing_address: addressInput,
    line_items: z.array(lineItemInput),
    fulfillments: listOf(fulfillmentInput),
    refunds: listOf(refundInput),
  })
  .transform((raw, ctx): OrderSnapshot => {
    const currency = raw.currency;
    const requiredMoney = (
      set: SnapshotMoneySet | null,
      plain: string | null | undefined,
      field: string,
    ): SnapshotMoneySet => {
      if (set) return set;
      if (plain != null) return moneyOrFallback(null, plain, currency);
      ctx.issues.push({ code: "custom", input: undefined, path: [field], message: `is required (or ${field}_set)` });
      return moneyOrFallback(null, "0", currency);
    };

    const lineItems = raw.line_items.map(
      (line): SnapshotLineItem => ({
        id: line.id,
        productId: line.product_id,
        variantId: line.variant_id,
        sku: line.sku,
        title: line.title,
        variantTitle: line.variant_title,
        vendor: line.vendor,
        quantity: line.quantity,
        price: moneyOrFallback(line.price_set, line.price, currency),
        discountAllocations: line.discount_allocations.map((allocation) =>
          moneyOrFallback(allocation.amount_set, allocation.amount, currency),
        ),
        taxLines: line.tax_lines.map((tax) => ({
          rate: tax.rate === null || tax.rate === undefined ? null : String(tax.rate),
          amount: moneyOrFallback(tax.price_set, tax.price, currency),
        })),
        properties: line.properties,
        requiresShipping: line.requires_shipping ?? true,
      }),
    );

    // Older payloads have no total_shipping_price_set: the shipping lines add up to it.
    const totalShipping =
      raw.total_shipping_price_set ??
      sumShippingLines(
        raw.shipping_lines.map((line) => moneyOrFallback(line.price_set, line.price, currency)),
        currency,
      );

    const customer = raw.customer;
    return {
      version: ORDER_SNAPSHOT_VERSION,
      orderId: resolveId(raw, ctx.issues),
      orderName: raw.name,
      email: raw.email ?? raw.contact_email ?? customer?.email ?? null,
      customerId: customer?.id ?? null,
      phone: raw.phone,
      createdAt: raw.created_at,
      updatedAt: raw.updated_at ?? raw.created_at,
      cancelledAt: raw.cancelled_at ?? null,
      cancelReason: raw.cancel_reason,
      financialStatus: raw.financial_status,
      test: raw.test ?? false,
      currency,
      presentmentCurrency: raw.presentment_currency ?? currency,
      subtotal: requiredMoney(raw.total_line_items_price_set, raw.total_line_items_price, "total_line_items_price"),
      taxesIncluded: raw.taxes_included ?? false,
      totalShipping,
      total: requiredMoney(raw.total_price_set, raw.total_price, "total_price"),
      discountCodes: raw.discount_codes.map((discount) => discount.code),
      noteAttributes: raw.note_attributes,
      customer,
      shippingAddress: raw.shipping_address,
      billingAddress: raw.billing_address,
      lineItems,
      fulfillments: raw.fulfillments,
      refunds: raw.refunds,
      piiRedacted: false,
    };
  });

function sumShippingLines(lines: SnapshotMoneySet[], shopCurrency: string): SnapshotMoneySet {
  const zero = { amount: "0.00", currency: shopCurrency };
  if (lines.length === 0) return { shop: zero, presentment: zero };
  const add = (side: "shop" | "presentment"): SnapshotMoney => ({
    amount: sumAmounts(lines.map((line) => line[side].amount)),
    currency: lines[0]![side].currency,
  });
  return { shop: add("shop"), presentment: add("presentment") };
}

/** The fulfillment object of a fulfillments/create or fulfillments/update webhook. */
export const shopifyFulfillmentWebhookSchema = z
  .object({ ...fulfillmentFields, order_id: idInput })
  .transform((raw, ctx) => ({
    orderId: idToString(raw.order_id, ctx.issues, ["order_id"]),
    fulfillment: toSnapshotFulfillment(raw, ctx.issues),
  }));

/** The refund of a refunds/create webhook body, with the order it belongs to. */
export const shopifyRefundWebhookSchema = z
  .object({ ...refundFields, order_id: idInput })
  .transform((raw, ctx) => ({ orderId: idToString(raw.order_id, ctx.issues, ["order_id"]), refund: toSnapshotRefund(raw, ctx.issues) }));

// ---------------------------------------------------------------------------
// Reading a webhook body

/**
 * The snapshot of an orders/* webhook body (already parsed with
 * parseJsonLossless), or an error naming each bad field in plain words,
 * e.g. "line_items.0.quantity: expected a number".
 */
export function extractOrderSnapshot(body: unknown): ExtractResult<{ snapshot: OrderSnapshot }> {
  const result = shopifyOrderWebhookSchema.safeParse(body, { error: plainIssueMessage });
  return result.success ? { ok: true, snapshot: result.data } : { ok: false, error: describeIssues(result.error) };
}

/** The fulfillment of a fulfillments/create or fulfillments/update body, with the order it belongs to. */
export function extractFulfillment(
  body: unknown,
): ExtractResult<{ orderId: string; fulfillment: SnapshotFulfillment; updatedAt: string }> {
  const result = shopifyFulfillmentWebhookSchema.safeParse(body, { error: plainIssueMessage });
  if (!result.success) return { ok: false, error: describeIssues(result.error) };
  const { orderId, fulfillment } = result.data;
  return { ok: true, orderId, fulfillment, updatedAt: fulfillment.updatedAt };
}

/** The refund of a refunds/create body, with the order it belongs to. */
export function extractRefund(body: unknown): ExtractResult<{ orderId: string; refund: SnapshotRefund }> {
  const result = shopifyRefundWebhookSchema.safeParse(body, { error: plainIssueMessage });
  return result.success ? { ok: true, ...result.data } : { ok: false, error: describeIssues(result.error) };
}

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  string: "a string",
  boolean: "true or false",
  array: "an array (a list)",
  object: "an object",
  int: "a whole number",
};

/** zod's default messages ("Invalid input: expected number, received string") reworded for an operator. */
function plainIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is required";
    if (issue.input === null) return `must not be null (expected ${TYPE_WORDS[issue.expected] ?? issue.expected})`;
    return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
  }
  if (issue.code === "too_small" && issue.origin === "number") return `must be at least ${String(issue.minimum)}`;
  return undefined;
}

const MAX_ISSUES_SHOWN = 8;

function describeIssues(error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.map(String).join(".") : "body";
    return `${where}: ${issue.message}`;
  });
  const shown = lines.slice(0, MAX_ISSUES_SHOWN).join("; ");
  return lines.length > MAX_ISSUES_SHOWN ? `${shown}; and ${lines.length - MAX_ISSUES_SHOWN} more` : shown;
}

// ---------------------------------------------------------------------------
// Changing a stored snapshot

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
export function mergeRefund(snapshot: OrderSnapshot, refund: SnapshotRefund): OrderSnapshot {
  if (snapshot.refunds.some((stored) => stored.id === refund.id)) return snapshot;
  return { ...snapshot, refunds: [...snapshot.refunds, refund] };
}

const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/;

/**
 * The snapshot with the customer's personal data erased, for the
 * customers/redact compliance webhook: email, names, phones, addresses and
 * any note attribute or line property value that looks like an email. Ids,
 * lines, amounts, fulfillments and refunds stay, so the order can still be
 * reconciled with what partners already hold.
 */
export function redactSnapshotPii(snapshot: OrderSnapshot): OrderSnapshot {
  const eraseEmailLike = (entry: SnapshotNameValue): SnapshotNameValue =>
    EMAIL_LIKE.test(entry.value) ? { name: entry.name, value: "" } : entry;
  return {
    ...snapshot,
    email: null,
    phone: null,
    customer: snapshot.customer
      ? { id: snapshot.customer.id, email: null, firstName: null, lastName: null, phone: null }
      : null,
    shippingAddress: null,
    billingAddress: null,
    noteAttributes: snapshot.noteAttributes.map(eraseEmailLike),
    lineItems: snapshot.lineItems.map((line) => ({ ...line, properties: line.properties.map(eraseEmailLike) })),
    piiRedacted: true,
  };
}
