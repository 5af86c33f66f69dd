// Pure: an order as the Admin GraphQL API answers it (ORDER_FOR_SYNC_QUERY,
// or a bulk export's reassembled order) -> the order webhook's body. The body is
// read by the same schema as a webhook's (app/orders/webhook-schema.ts), so both
// paths share one normaliser (ids, UTC timestamps, blank text, money sets).
//
// Field notes (Admin GraphQL 2026-10; every selected field checked against its schema): Order has no total_line_items_price;
// it is the sum of the lines' original unit price x quantity (which is what
// Shopify's REST field holds: the lines before discounts). Customer.email and
// .phone are deprecated for defaultEmailAddress / defaultPhoneNumber.
// MailingAddress.countryCode is deprecated for countryCodeV2. Enums
// (displayFinancialStatus, cancelReason, Fulfillment.status) are the REST
// values in upper case; Fulfillment.displayStatus carries REST's shipment_status
// for carrier events (IN_TRANSIT, DELIVERED, ...) and other values (FULFILLED,
// CANCELED) that REST does not put there.
import { z } from "zod";
import { sumAmounts, toMinorUnits, fromMinorUnits, scaleOf } from "~/orders/money";
import { extractOrderSnapshot, type ExtractResult } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { ORDER_CONNECTION_PAGE } from "./order-query";

// ---------------------------------------------------------------------------
// The answer's shape (what the query selects; nullable where Shopify's schema is)

const money = z.object({ amount: z.string(), currencyCode: z.string() });
const moneyBag = z.object({ shopMoney: money, presentmentMoney: money });
const keyValue = z.object({ key: z.string(), value: z.string().nullable() });
const address = z.object({
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  company: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  zip: z.string().nullish(),
  countryCodeV2: z.string().nullish(),
  phone: z.string().nullish(),
});
const pageInfo = z.object({ hasNextPage: z.boolean() });
const lineRef = z.object({ quantity: z.number(), lineItem: z.object({ id: z.string() }) });

export const graphqlOrderSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: z.string().nullish(),
  cancelReason: z.string().nullish(),
  displayFinancialStatus: z.string().nullish(),
  test: z.boolean(),
  taxesIncluded: z.boolean().optional(),
  currencyCode: z.string(),
  presentmentCurrencyCode: z.string(),
  totalPriceSet: moneyBag,
  totalShippingPriceSet: moneyBag,
  discountCodes: z.array(z.string()),
  customAttributes: z.array(keyValue),
  customer: z
    .object({
      id: z.string(),
      firstName: z.string().nullish(),
      lastName: z.string().nullish(),
      defaultEmailAddress: z.object({ emailAddress: z.string().nullish() }).nullish(),
      defaultPhoneNumber: z.object({ phoneNumber: z.string().nullish() }).nullish(),
    })
    .nullish(),
  shippingAddress: address.nullish(),
  billingAddress: address.nullish(),
  lineItems: z.object({
    pageInfo,
    nodes: z.array(
      z.object({
        id: z.string(),
        product: z.object({ id: z.string() }).nullish(),
        variant: z.object({ id: z.string() }).nullish(),
        sku: z.string().nullish(),
        title: z.string(),
        variantTitle: z.string().nullish(),
        vendor: z.string().nullish(),
        quantity: z.number(),
        requiresShipping: z.boolean(),
        originalUnitPriceSet: moneyBag,
        discountAllocations: z.array(z.object({ allocatedAmountSet: moneyBag })),
        // Optional: an answer from before the query asked for them (a stand-in, a cached fixture).
        taxLines: z.array(z.object({ rate: z.number().nullish(), priceSet: moneyBag })).optional(),
        customAttributes: z.array(keyValue),
      }),
    ),
  }),
  fulfillments: z.array(
    z.object({
      id: z.string(),
      status: z.string().nullish(),
      displayStatus: z.string().nullish(),
      createdAt: z.string(),
      updatedAt: z.string(),
      trackingInfo: z.array(z.object({ number: z.string().nullish() })),
      fulfillmentLineItems: z.object({ pageInfo, nodes: z.array(lineRef) }),
    }),
  ),
  refunds: z.array(
    z.object({
      id: z.string(),
      createdAt: z.string(),
      refundLineItems: z.object({ pageInfo, nodes: z.array(lineRef) }),
    }),
  ),
});
export type GraphqlOrder = z.infer<typeof graphqlOrderSchema>;

/** The order checked against what the query selects, or what is wrong with it in plain words. */
export function parseGraphqlOrder(node: unknown): ExtractResult<{ order: GraphqlOrder }> {
  const parsed = graphqlOrderSchema.safeParse(node);
  if (parsed.success) return { ok: true, order: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: `Shopify's order is not in the expected shape (${issue ? `${issue.path.join(".") || "order"}: ${issue.message}` : "unknown"})` };
}

// REST's shipment_status values (Fulfillment resource); other display statuses have no REST counterpart there.
const SHIPMENT_STATUSES = new Set(["label_printed", "label_purchased", "attempted_delivery", "ready_for_pickup", "picked_up", "confirmed", "in_transit", "out_for_delivery", "delivered", "failure"]);

const lower = (value: string | null | undefined) => (value ? value.toLowerCase() : null);

const restMoneySet = (bag: z.infer<typeof moneyBag>) => ({
  shop_money: { amount: bag.shopMoney.amount, currency_code: bag.shopMoney.currencyCode },
  presentment_money: { amount: bag.presentmentMoney.amount, currency_code: bag.presentmentMoney.currencyCode },
});

const restAddress = (value: z.infer<typeof address> | null | undefined) =>
  value
    ? {
        first_name: value.firstName ?? null,
        last_name: value.lastName ?? null,
        company: value.company ?? null,
        address1: value.address1 ?? null,
        address2: value.address2 ?? null,
        city: value.city ?? null,
        province: value.province ?? null,
        zip: value.zip ?? null,
        country_code: value.countryCodeV2 ?? null,
        phone: value.phone ?? null,
      }
    : null;

const nameValues = (list: z.infer<typeof keyValue>[]) => list.map((entry) => ({ name: entry.key, value: entry.value }));

/** unit price x quantity for each line, summed per side: REST's total_line_items_price_set. */
function lineItemsTotal(order: GraphqlOrder) {
  const side = (pick: (bag: z.infer<typeof moneyBag>) => z.infer<typeof money>, currency: string) => {
    const amounts = order.lineItems.nodes.map((line) => {
      const unit = pick(line.originalUnitPriceSet).amount;
      const scale = scaleOf(unit);
      return fromMinorUnits(toMinorUnits(unit, scale) * BigInt(line.quantity), scale);
    });
    const currencies = order.lineItems.nodes.map((line) => pick(line.originalUnitPriceSet).currencyCode);
    return { amount: amounts.length > 0 ? sumAmounts(amounts) : "0.00", currency_code: currencies[0] ?? currency };
  };
  return {
    shop_money: side((bag) => bag.shopMoney, order.currencyCode),
    presentment_money: side((bag) => bag.presentmentMoney, order.presentmentCurrencyCode),
  };
}

/** The order as a webhook body would carry it (only the fields the snapshot reads). */
export function graphqlOrderToWebhookShape(order: GraphqlOrder): Record<string, unknown> {
  const customerEmail = order.customer?.defaultEmailAddress?.emailAddress ?? null;
  return {
    admin_graphql_api_id: order.id,
    name: order.name,
    email: order.email ?? null,
    phone: order.phone ?? null,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt ?? null,
    cancel_reason: lower(order.cancelReason),
    financial_status: lower(order.displayFinancialStatus),
    test: order.test,
    taxes_included: order.taxesIncluded ?? null,
    currency: order.currencyCode,
    presentment_currency: order.presentmentCurrencyCode,
    total_line_items_price_set: lineItemsTotal(order),
    total_shipping_price_set: restMoneySet(order.totalShippingPriceSet),
    total_price_set: restMoneySet(order.totalPriceSet),
    discount_codes: order.discountCodes.map((code) => ({ code })),
    note_attributes: nameValues(order.customAttributes),
    customer: order.customer
      ? {
          admin_graphql_api_id: order.customer.id,
          email: customerEmail,
          first_name: order.customer.firstName ?? null,
          last_name: order.customer.lastName ?? null,
          phone: order.customer.defaultPhoneNumber?.phoneNumber ?? null,
        }
      : null,
    shipping_address: restAddress(order.shippingAddress),
    billing_address: restAddress(order.billingAddress),
    line_items: order.lineItems.nodes.map((line) => ({
      admin_graphql_api_id: line.id,
      product_id: line.product ? gidDigits(line.product.id) : null,
      variant_id: line.variant ? gidDigits(line.variant.id) : null,
      sku: line.sku ?? null,
      title: line.title,
      variant_title: line.variantTitle ?? null,
      vendor: line.vendor ?? null,
      quantity: line.quantity,
      price: line.originalUnitPriceSet.shopMoney.amount,
      price_set: restMoneySet(line.originalUnitPriceSet),
      discount_allocations: line.discountAllocations.map((allocation) => ({
        amount: allocation.allocatedAmountSet.shopMoney.amount,
        amount_set: restMoneySet(allocation.allocatedAmountSet),
      })),
      tax_lines: (line.taxLines ?? []).map((tax) => ({ price: tax.priceSet.shopMoney.amount, price_set: restMoneySet(tax.priceSet), rate: tax.rate ?? null })),
      properties: nameValues(line.customAttributes),
      requires_shipping: line.requiresShipping,
    })),
    fulfillments: order.fulfillments.map((fulfillment) => {
      const shipment = lower(fulfillment.displayStatus);
      return {
        admin_graphql_api_id: fulfillment.id,
        status: lower(fulfillment.status),
        shipment_status: shipment && SHIPMENT_STATUSES.has(shipment) ? shipment : null,
        created_at: fulfillment.createdAt,
        updated_at: fulfillment.updatedAt,
        tracking_numbers: fulfillment.trackingInfo.flatMap((info) => (info.number ? [info.number] : [])),
        line_items: fulfillment.fulfillmentLineItems.nodes.map((ref) => ({ admin_graphql_api_id: ref.lineItem.id, quantity: ref.quantity })),
      };
    }),
    refunds: order.refunds.map((refund) => ({
      admin_graphql_api_id: refund.id,
      created_at: refund.createdAt,
      refund_line_items: refund.refundLineItems.nodes.map((ref) => ({ quantity: ref.quantity, line_item: { admin_graphql_api_id: ref.lineItem.id } })),
    })),
  };
}

export function gidDigits(gid: string): string | null {
  const match = /\/(\d+)$/.exec(gid);
  return match ? match[1]! : null;
}

/** Pure: the stored snapshot of an Admin GraphQL order, or what is wrong with it in plain words. */
export function snapshotFromGraphqlOrder(node: unknown): ExtractResult<{ snapshot: OrderSnapshot }> {
  const parsed = parseGraphqlOrder(node);
  if (!parsed.ok) return parsed;
  const { order } = parsed;
  const truncated =
    order.lineItems.pageInfo.hasNextPage || order.fulfillments.some((f) => f.fulfillmentLineItems.pageInfo.hasNextPage) || order.refunds.some((r) => r.refundLineItems.pageInfo.hasNextPage);
  if (truncated) return { ok: false, error: `Order ${order.name} has more than ${ORDER_CONNECTION_PAGE} lines in one list; it cannot be re-read in one query` };
  return extractOrderSnapshot(graphqlOrderToWebhookShape(order));
}
