// The zod schemas that read a Shopify webhook body (orders/*, fulfillments/*,
// refunds/create) into the stored snapshot's shape (./snapshot.ts). The Admin
// API's orders are rewritten into the same body and read by the same schema
// (app/shopify/order-translate.ts), so both paths share one normaliser.
import { z } from "zod";
import { sumAmounts } from "./money";
import {
  amount,
  currencyCode,
  gidDigits,
  gidInput,
  idInput,
  idToString,
  type Issues,
  listOf,
  moneyOrFallback,
  moneySetInput,
  nameValueList,
  optionalId,
  optionalText,
  quantity,
  resolveId,
  timestamp,
} from "./shopify-fields";
import type { CanonicalAddress, CanonicalCustomer, CanonicalRefund, Money, MoneyPair } from "./canonical";
import { ORDER_SNAPSHOT_VERSION, type OrderSnapshot, type SnapshotFulfillment, type SnapshotLineItem } from "./snapshot";

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
  .transform((raw, ctx): CanonicalCustomer | null => {
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
  .transform((raw): CanonicalAddress | null =>
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
      if (raw.line_item_id == null) ctx.issues.push({ code: "custom", input: null, path: ["line_item_id"], message: "is required" });
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

function toSnapshotRefund(raw: z.output<z.ZodObject<typeof refundFields>>, issues: Issues): CanonicalRefund {
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
    const requiredMoney = (set: MoneyPair | null, plain: string | null | undefined, field: string): MoneyPair => {
      if (set) return set;
      if (plain != null) return moneyOrFallback(null, plain, currency);
      ctx.issues.push({ code: "custom", input: undefined, path: [field], message: `is required (or ${field}_set)` });
      return moneyOrFallback(null, "0", currency);
    };

    const lineItems = raw.line_items.map((line): SnapshotLineItem => ({
      id: line.id,
      productId: line.product_id,
      variantId: line.variant_id,
      sku: line.sku,
      title: line.title,
      variantTitle: line.variant_title,
      vendor: line.vendor,
      quantity: line.quantity,
      price: moneyOrFallback(line.price_set, line.price, currency),
      discountAllocations: line.discount_allocations.map((allocation) => moneyOrFallback(allocation.amount_set, allocation.amount, currency)),
      taxLines: line.tax_lines.map((tax) => ({
        rate: tax.rate === null || tax.rate === undefined ? null : String(tax.rate),
        amount: moneyOrFallback(tax.price_set, tax.price, currency),
      })),
      properties: line.properties,
      requiresShipping: line.requires_shipping ?? true,
    }));

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

function sumShippingLines(lines: MoneyPair[], shopCurrency: string): MoneyPair {
  const zero = { amount: "0.00", currency: shopCurrency };
  if (lines.length === 0) return { shop: zero, presentment: zero };
  const add = (side: "shop" | "presentment"): Money => ({
    amount: sumAmounts(lines.map((line) => line[side].amount)),
    currency: lines[0]![side].currency,
  });
  return { shop: add("shop"), presentment: add("presentment") };
}

/** The fulfillment object of a fulfillments/create or fulfillments/update webhook. */
export const shopifyFulfillmentWebhookSchema = z.object({ ...fulfillmentFields, order_id: idInput }).transform((raw, ctx) => ({
  orderId: idToString(raw.order_id, ctx.issues, ["order_id"]),
  fulfillment: toSnapshotFulfillment(raw, ctx.issues),
}));

/** The refund of a refunds/create webhook body, with the order it belongs to. */
export const shopifyRefundWebhookSchema = z
  .object({ ...refundFields, order_id: idInput })
  .transform((raw, ctx) => ({ orderId: idToString(raw.order_id, ctx.issues, ["order_id"]), refund: toSnapshotRefund(raw, ctx.issues) }));
