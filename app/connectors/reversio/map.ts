// Pure: canonical order + settings -> the Revers.io import this order implies,
// or why none applies. Model ids are not known here: push resolves each SKU
// (docs/partners/reversio.md "Catalog"), then importOrderBody() completes the body.
import type { CanonicalAddress, CanonicalLineItem, CanonicalOrder, MoneyPair, ProductInfo } from "~/orders/canonical";
import type { SyncPlan } from "../types";
import { isReversioCurrency, type ReversioAddress, type ReversioConfig, type ReversioCurrency, type ReversioImportOrderRequest, type ReversioPrice } from "./schema";

/** One unit of a line, waiting for its Revers.io model id. */
export interface ReversioPlannedProduct {
  /** `<line item id>-<unit index>`, unit index from 1 [ours]. */
  orderLineReference: string;
  price: ReversioPrice;
  /** What push resolves to a modelId (PartnerCache kind "model", key = SKU). */
  sku: string;
  /** For a model created when the catalog does not know the SKU: brand = product vendor [ours]. */
  brandName: string;
  label: string;
  photoUrl: string | null;
}

/** The ImportOrder body without model ids yet, plus what push needs to resolve them. */
export type ReversioPlanRequest = Omit<ReversioImportOrderRequest, "products"> & {
  products: ReversioPlannedProduct[];
  /** Titles of lines left out because they carry no SKU (no model can be found for them). */
  linesWithoutSku: string[];
};

/** The brand given to a created model when neither the line nor the product names a vendor. */
export const UNKNOWN_BRAND = "Unknown brand";

type MoneySide = "shop" | "presentment";

/**
 * Revers.io takes EUR or GBP only [doc]. The shop money when it is one of them,
 * else the presentment money when it is, else the order cannot be imported [ours].
 */
export function chooseMoneySide(order: CanonicalOrder): { side: MoneySide; currency: ReversioCurrency } | { skip: string } {
  if (isReversioCurrency(order.shopCurrency)) return { side: "shop", currency: order.shopCurrency };
  if (isReversioCurrency(order.presentmentCurrency)) return { side: "presentment", currency: order.presentmentCurrency };
  const currencies =
    order.shopCurrency === order.presentmentCurrency ? `this order is in ${order.shopCurrency}` : `this order is in ${order.shopCurrency} (shop) and ${order.presentmentCurrency} (customer)`;
  return { skip: `Revers.io accepts EUR or GBP only; ${currencies}` };
}

export function planReversioOrder(
  order: CanonicalOrder,
  products: ReadonlyMap<string, ProductInfo>,
  config: Pick<ReversioConfig, "importTrigger" | "salesChannel" | "storePurchasedAt">,
): SyncPlan<ReversioPlanRequest> {
  const money = chooseMoneySide(order);
  if ("skip" in money) return { kind: "skip", reason: money.skip };

  // No update or cancel call exists [ours]: a cancelled order is never imported.
  if (order.cancelledAt) {
    return { kind: "skip", reason: `Order was cancelled (${order.cancelledAt}); Revers.io has no cancel call, so a cancelled order is not imported` };
  }

  if (config.importTrigger === "fulfilled" && !order.fulfillments.some((f) => f.shipped)) {
    return { kind: "skip", reason: "Waiting for fulfillment: Revers.io import is set to happen once the order is fulfilled" };
  }

  // An old payload without money sets can leave a side partly in another currency
  // (see discountedUnitPrice in app/orders/build.ts): never send a mixed order.
  const prices = [order.totalShipping, ...order.lineItems.map((line) => line.unitPriceAfterDiscounts)];
  const foreign = prices.map((pair) => pair[money.side].currency).find((currency) => currency !== money.currency);
  if (foreign) {
    return { kind: "skip", reason: `Revers.io needs every price in ${money.currency}, but some of this order's prices are only known in ${foreign}` };
  }

  const plannedProducts: ReversioPlannedProduct[] = [];
  const linesWithoutSku: string[] = [];
  for (const line of order.lineItems) {
    const units = line.quantity - line.refundedQuantity;
    if (units <= 0) continue; // refunded before import: nothing left to return
    const sku = line.sku?.trim();
    if (!sku) {
      linesWithoutSku.push(line.title);
      continue;
    }
    const product = line.productId ? products.get(line.productId) : undefined;
    for (let unit = 1; unit <= units; unit += 1) {
      plannedProducts.push({
        orderLineReference: `${line.id}-${unit}`,
        price: price(line.unitPriceAfterDiscounts, money.side, money.currency),
        sku,
        brandName: line.vendor?.trim() || product?.vendor?.trim() || UNKNOWN_BRAND,
        label: modelLabel(line),
        photoUrl: product?.imageUrl ?? null,
      });
    }
  }
  if (plannedProducts.length === 0) {
    const named = linesWithoutSku.map((t) => `"${t}"`).join(", ");
    return {
      kind: "skip",
      reason: named ? `No line has a SKU, and Revers.io finds each product's model by SKU: ${named}` : "No line is left to import (every unit was refunded)",
    };
  }

  const address = order.shippingAddress ?? order.billingAddress;
  const request: ReversioPlanRequest = {
    orderReference: order.name,
    civility: "NotSet",
    ...defined({
      customerLastName: order.customer.lastName ?? address?.lastName,
      customerFirstName: order.customer.firstName ?? address?.firstName,
      address: address ? reversioAddress(address) : undefined,
      phoneNumber: order.customer.phone ?? address?.phone,
      customerMail: order.customer.email,
    }),
    purchaseDateUtc: new Date(order.createdAt).toISOString(),
    products: plannedProducts,
    shippingPrice: price(order.totalShipping, money.side, money.currency),
    salesChannel: config.salesChannel,
    ...defined({ storePurchasedAt: config.storePurchasedAt }),
    linesWithoutSku,
  };
  return { kind: "send", request };
}

/** The body PUT /orders receives, once every planned SKU has its model id. */
export function importOrderBody(plan: ReversioPlanRequest, modelIdBySku: ReadonlyMap<string, string>): ReversioImportOrderRequest {
  const { products, linesWithoutSku: _omitted, ...order } = plan;
  return {
    ...order,
    products: products.map((p) => {
      const modelId = modelIdBySku.get(p.sku);
      if (!modelId) throw new Error(`No model id resolved for SKU ${p.sku}`);
      return { modelId, price: p.price, orderLineReference: p.orderLineReference };
    }),
  };
}

/** `currency` is the side's currency, checked for every price before mapping. */
function price(pair: MoneyPair, side: MoneySide, currency: ReversioCurrency): ReversioPrice {
  return { amount: Number(pair[side].amount), currency };
}

function modelLabel(line: CanonicalLineItem): string {
  const variant = line.variantTitle?.trim();
  return variant ? `${line.title} - ${variant}` : line.title;
}

function reversioAddress(address: CanonicalAddress): ReversioAddress {
  return defined({
    companyName: address.company,
    streetAddress: address.address1,
    additionalAddress: address.address2,
    zipCode: address.zip,
    city: address.city,
    countryCode: address.countryCode,
    phone: address.phone,
  });
}

/** Drops null, undefined and blank values: Revers.io gets only what the order knows. */
function defined<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    if (typeof value === "string" && value.trim() === "") continue;
    out[key] = typeof value === "string" ? value.trim() : value;
  }
  return out as { [K in keyof T]?: Exclude<T[K], null | undefined> };
}
