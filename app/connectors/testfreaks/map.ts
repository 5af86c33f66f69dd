// Pure: canonical order + product details + settings -> the TestFreaks order
// upsert (docs/partners/testfreaks.md "TestFreaks", mapping decisions). No I/O, no clock.
import type { CanonicalFulfillment, CanonicalLineItem, CanonicalOrder, ProductInfo } from "~/orders/canonical";
import { dayIn } from "~/time-zone";
import type { SyncPlan } from "../types";
import type { TestfreaksConfig, TestfreaksCustomer, TestfreaksOrderItem, TestfreaksOrderRequest } from "./schema";

/** What TestFreaks is sent: the order upsert as it goes on the wire. */
export type TestfreaksPlanRequest = TestfreaksOrderRequest;

/** Connector.plan for TestFreaks: the order upsert this order implies now, or why none applies. */
export function planTestfreaksOrder(
  order: CanonicalOrder,
  products: ReadonlyMap<string, ProductInfo>,
  config: Pick<TestfreaksConfig, "itemIdSource" | "orderIdSource">,
): SyncPlan<TestfreaksOrderRequest> {
  const customer = mapCustomer(order);
  if (!customer) {
    return {
      kind: "skip",
      reason: "The order has no customer account and no email address, so TestFreaks has no one to invite for a review.",
    };
  }
  const items = mapItems(order, products, config.itemIdSource);
  if (items.length === 0) {
    return {
      kind: "skip",
      reason: "None of the order's lines has a SKU, a variant or a product (custom items only), so there is nothing to review at TestFreaks.",
    };
  }
  return {
    kind: "send",
    request: { order: { id: config.orderIdSource === "id" ? order.id : order.name, customer, items } },
  };
}

/** `customer.id` is required: the Shopify customer id, or the email for a guest checkout (docs/partners/testfreaks.md). */
function mapCustomer(order: CanonicalOrder): TestfreaksCustomer | null {
  const email = nonEmpty(order.customer.email);
  // Lower-cased so that one guest's orders typed as Jane@… and jane@… land on one TestFreaks customer.
  const id = nonEmpty(order.customer.id) ?? email?.toLowerCase() ?? null;
  if (!id) return null;
  const name = [order.customer.firstName, order.customer.lastName]
    .map((part) => part?.trim() ?? "")
    .filter(Boolean)
    .join(" ");
  return { id, ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

interface ItemDraft {
  item: TestfreaksOrderItem;
  reviewable: boolean;
  /** Delivery dates of the lines still reviewable, and of all lines (for a cancelled item). */
  reviewableDates: string[];
  allDates: string[];
}

function mapItems(order: CanonicalOrder, products: ReadonlyMap<string, ProductInfo>, source: TestfreaksConfig["itemIdSource"]): TestfreaksOrderItem[] {
  // TestFreaks keys items by id within an order, so two lines with one SKU (the
  // same product added twice, e.g. with different engravings) become one item.
  const drafts = new Map<string, ItemDraft>();
  for (const line of order.lineItems) {
    const id = itemIdFor(line, source);
    if (!id) continue; // a custom line (no SKU, variant or product): nothing TestFreaks could collect reviews for
    const reviewable = order.cancelledAt === null && line.refundedQuantity < line.quantity;
    const date = deliveryDateFor(line.id, order.fulfillments, order.timeZone);
    const product = line.productId ? products.get(line.productId) : undefined;
    const existing = drafts.get(id);
    if (existing) {
      existing.reviewable ||= reviewable;
      existing.item.properties = mergeProperties(existing.item.properties, variantProperties(line, product));
      if (date) {
        existing.allDates.push(date);
        if (reviewable) existing.reviewableDates.push(date);
      }
      continue;
    }
    drafts.set(id, {
      item: describeItem(id, line, product),
      reviewable,
      reviewableDates: date && reviewable ? [date] : [],
      allDates: date ? [date] : [],
    });
  }
  return [...drafts.values()].map(({ item, reviewable, reviewableDates, allDates }) => {
    // The earliest date: by then the customer holds at least one unit of the product.
    const deliveryDate = earliest(reviewable ? reviewableDates : allDates);
    const { properties, ...rest } = item;
    return {
      ...rest,
      ...(deliveryDate ? { delivery_date: deliveryDate } : {}),
      // Sent explicitly either way: `false` is how the docs cancel an item, and
      // `true` keeps an item reviewable even when it is missing from the product feed.
      reviewable,
      ...(properties && Object.keys(properties).length > 0 ? { properties } : {}),
    };
  });
}

/** items[].id per the setting; a line without a SKU falls back to its variant id, then its product id. */
export function itemIdFor(line: CanonicalLineItem, source: TestfreaksConfig["itemIdSource"]): string | null {
  const sku = nonEmpty(line.sku);
  if (source === "sku" && sku) return sku;
  return nonEmpty(line.variantId) ?? nonEmpty(line.productId);
}

function describeItem(id: string, line: CanonicalLineItem, product: ProductInfo | undefined): TestfreaksOrderItem {
  const name = nonEmpty(product?.title) ?? nonEmpty(line.title);
  const category = nonEmpty(product?.productType);
  const url = nonEmpty(product?.url);
  const imageUrl = nonEmpty(product?.imageUrl);
  return {
    id,
    ...(line.productId ? { family_id: line.productId } : {}),
    ...(name ? { name } : {}),
    ...(category ? { category } : {}),
    ...(url ? { url } : {}),
    ...(imageUrl ? { image_url: imageUrl } : {}),
    properties: variantProperties(line, product),
  };
}

/**
 * `properties` are product attributes "such as color and size" (docs/partners/testfreaks.md):
 * the ordered variant's options from the merchant's catalogue. Never the line's own
 * properties: buyers type those (engravings, gift messages), and they are personal data.
 * A variant the look-up does not know sends none.
 */
function variantProperties(line: CanonicalLineItem, product: ProductInfo | undefined): Record<string, string> {
  const options = line.variantId ? (product?.variantOptions?.[line.variantId] ?? []) : [];
  const properties: Record<string, string> = {};
  for (const { name, value } of options) {
    // Shopify gives a product without options one option, Title = "Default Title": no attribute.
    if (name === "Title" && value === "Default Title") continue;
    properties[name] ??= value;
  }
  return properties;
}

function mergeProperties(first: Record<string, string> | undefined, next: Record<string, string>): Record<string, string> {
  return { ...next, ...first };
}

/**
 * delivery_date (docs/partners/testfreaks.md): the delivered time of a fulfillment holding the
 * line when the carrier reported it, else that fulfillment's creation time (the
 * docs allow "the closest available date (such as dispatch date)"); none while unfulfilled.
 */
function deliveryDateFor(lineItemId: string, fulfillments: readonly CanonicalFulfillment[], timeZone: string): string | null {
  const dates: string[] = [];
  for (const fulfillment of fulfillments) {
    if (!fulfillment.shipped) continue;
    if (!fulfillment.lineItems.some((entry) => entry.lineItemId === lineItemId && entry.quantity > 0)) continue;
    const date = calendarDate(fulfillment.deliveredAt ?? fulfillment.createdAt, timeZone);
    if (date) dates.push(date);
  }
  return earliest(dates);
}

/**
 * YYYY-MM-DD of the timestamp in the shop's zone: the day the merchant and the
 * customer call the delivery's (a parcel delivered at 23:30 in Los Angeles is dated
 * that day, not the next as in UTC). Null for no timestamp or one that is not a time.
 */
export function calendarDate(timestamp: string | null | undefined, timeZone: string): string | null {
  const at = timestamp ? new Date(timestamp.trim()) : null;
  return at && !Number.isNaN(at.getTime()) ? dayIn(at, timeZone) : null;
}

function earliest(dates: readonly string[]): string | null {
  return dates.length === 0 ? null : ([...dates].sort()[0] ?? null);
}

function nonEmpty(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
