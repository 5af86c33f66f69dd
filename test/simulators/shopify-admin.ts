// Local stand-in for the Shopify Admin GraphQL API: the queries the app makes
// (products by id through `nodes(ids:)`, `shop`, and one order through
// `order(id:)` for the admin's resync), behind the same URL shape
// (POST /admin/api/<version>/graphql.json) and the same access-token header as
// Shopify. The app reaches it through app/shopify/local-admin.server.ts.
//
// It is not a GraphQL engine: it recognises the root fields in the query text and
// answers every field the app selects; a query it does not recognise gets a
// GraphQL error, so a new query shows up here instead of passing silently.
import type { GraphqlOrder } from "~/shopify/order-translate";
import { parse } from "lossless-json";
import { startSimServer, type Knobs, type SimAnswer, type SimRequest, type SimServer } from "./server";
import { createTokenAuthority, TOKEN_PATH, type OAuthSettings, type TokenAuthority } from "./shopify-oauth";
import { LOCAL_ORDERS_PATH, startOrderHistory, type OrderHistory } from "./shopify-history";

export interface ProductRecord {
  /** Decimal Shopify product id, exact (may exceed 2^53). */
  id: string;
  title: string;
  handle: string;
  /** Shopify's vendor is a non-null String; null here is answered as "". */
  vendor: string | null;
  productType: string;
  /** Null when the product is not published to the Online Store. */
  onlineStoreUrl: string | null;
  /** The featured media's preview image; null when the product has no media. */
  imageUrl: string | null;
  /** Decimal variant ids and their options, answered as `variants { nodes { id selectedOptions } }`; none when absent. */
  variants?: { id: string; selectedOptions: { name: string; value: string }[] }[];
}

export interface ShopRecord {
  name: string;
  currencyCode: string;
  myshopifyDomain: string;
  /** The owner's address (alert emails go to it), and the public one customers write to. */
  email: string;
  contactEmail: string | null;
  /** The shop's time zone (Settings > General in Shopify): the admin counts days and shows dates in it. */
  ianaTimezone: string;
}

export interface ShopifyAdminStandIn extends SimServer {
  /** The catalogue by product id: tests edit or delete entries between calls. */
  products: Map<string, ProductRecord>;
  shop: ShopRecord;
  /** Orders by decimal order id, in the Admin GraphQL shape `order(id:)` answers (see orderNodeFromWebhook). */
  orders: Map<string, AdminOrderNode>;
  /**
   * What Shopify holds after it sent this webhook body (an orders/* or a
   * fulfillments/* body, raw text): tests and the demo call it for each
   * webhook they replay, so a re-read answers the order as the app last heard of it.
   */
  recordWebhook(body: string): void;
  /** Shopify's token endpoint: the tokens it issued, its settings (lifetimes, refusals) and every grant asked for. */
  oauth: TokenAuthority;
  /** The store's history (shopify-history.ts): POST /_local/orders, the orders connection, bulk operations. */
  history: OrderHistory;
}

export const DEFAULT_SHOP_DOMAIN = "partner-sync-demo.myshopify.com";

/** Shopify's limit on ids in one `nodes` query. */
const MAX_NODE_IDS = 250;
const GRAPHQL_PATH = /^\/admin\/api\/[^/]+\/graphql\.json$/;
const GLOBAL_ID = /^gid:\/\/shopify\/([A-Za-z]+)\/([0-9]+)$/;

export async function startShopifyAdminStandIn(
  opts: { products?: ProductRecord[]; orders?: AdminOrderNode[]; shop?: Partial<ShopRecord>; knobs?: Partial<Knobs>; port?: number; oauth?: Partial<OAuthSettings> } = {},
): Promise<ShopifyAdminStandIn> {
  const products = new Map((opts.products ?? []).map((product) => [product.id, product]));
  const orders = new Map((opts.orders ?? []).map((order) => [gidNumber(order.id), order]));
  const shop: ShopRecord = {
    name: "Partner Sync Demo",
    currencyCode: "USD",
    myshopifyDomain: DEFAULT_SHOP_DOMAIN,
    email: "owner@example.com",
    contactEmail: "store@example.com",
    // UTC by default: the pages' dates read as they did before the app knew the shop's zone; tests of the zone set their own.
    ianaTimezone: "UTC",
    ...opts.shop,
  };
  const oauth = createTokenAuthority(opts.oauth);
  const server = await startSimServer(
    (req) => {
      // The app's local fetch keeps the shop's host here (app/shopify/local-admin.server.ts).
      const shopHost = typeof req.headers["x-forwarded-host"] === "string" ? req.headers["x-forwarded-host"] : shop.myshopifyDomain;
      if (req.method === "POST" && req.path === TOKEN_PATH) return oauth.answer(shopHost, req.body);
      if (req.path === LOCAL_ORDERS_PATH || (GRAPHQL_PATH.test(req.path) && tokenAccepted(req, oauth, shopHost))) {
        const answered = history.answer(req, shopHost);
        if (answered) return answered;
      }
      return answerAdminRequest(req, products, shop, orders, oauth, shopHost);
    },
    { port: opts.port, knobs: opts.knobs },
  );
  const history = await startOrderHistory({ orders, toNode: orderNodeFromWebhook });
  const closeServer = server.close;
  const close = async () => {
    await Promise.all([closeServer(), history.close()]);
  };
  return Object.assign(server, { products, shop, orders, oauth, history, close, recordWebhook: (body: string) => recordWebhookBody(orders, body) });
}

/** A token Shopify would take (a stand-in for another app's token is taken too: "unknown"). */
function tokenAccepted(req: SimRequest, oauth: TokenAuthority, shopHost: string): boolean {
  const token = req.headers["x-shopify-access-token"];
  if (typeof token !== "string" || token.trim() === "") return false;
  const check = oauth.check(shopHost, token);
  return check === "valid" || check === "unknown";
}

function answerAdminRequest(req: SimRequest, products: Map<string, ProductRecord>, shop: ShopRecord, orders: Map<string, AdminOrderNode>, oauth: TokenAuthority, shopHost: string): SimAnswer {
  if (req.method !== "POST" || !GRAPHQL_PATH.test(req.path)) return { status: 404, body: { errors: "Not Found" } };
  const token = req.headers["x-shopify-access-token"];
  const tokenCheck = typeof token === "string" && token.trim() !== "" ? oauth.check(shopHost, token) : "missing";
  if (tokenCheck !== "valid" && tokenCheck !== "unknown") {
    // Shopify's own answer to a call without a usable token.
    return { status: 401, body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" } };
  }
  const body = req.body as { query?: unknown; variables?: unknown } | undefined;
  if (typeof body?.query !== "string" || body.query.trim() === "") {
    return { status: 400, body: { errors: { query: "Required parameter missing or invalid" } } };
  }
  const query = body.query;
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  const errors: { message: string; extensions?: Record<string, unknown> }[] = [];

  if (/\bnodes\s*\(/.test(query)) {
    const ids = variables.ids;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) {
      errors.push({ message: "Variable $ids of type [ID!]! was provided invalid value", extensions: { code: "INVALID_VARIABLE" } });
    } else if (ids.length > MAX_NODE_IDS) {
      errors.push({ message: `The stand-in, like Shopify, answers at most ${MAX_NODE_IDS} ids per nodes query (got ${ids.length})`, extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" } });
    } else {
      const invalid = ids.find((id) => !GLOBAL_ID.test(id));
      if (invalid !== undefined) errors.push({ message: `Invalid global id '${invalid}'`, extensions: { code: "argumentLiteralsIncompatible" } });
      else data.nodes = ids.map((id) => productNode(id, products, query));
    }
  }
  // Only the fields the query selects, as Shopify answers (email and contactEmail are the alerts' own query, ianaTimezone the admin's clock).
  if (/\bshop\s*\{/.test(query)) {
    const selected =
      /\bshop\s*\{([^}]*)\}/
        .exec(query)?.[1]
        ?.split(/[\s,]+/)
        .filter(Boolean) ?? [];
    data.shop = Object.fromEntries(Object.entries(shop).filter(([field]) => selected.includes(field)));
  }
  if (/\border\s*\(/.test(query)) {
    const id = variables.id;
    const [, type, digits] = typeof id === "string" ? (GLOBAL_ID.exec(id) ?? []) : [];
    if (typeof id !== "string") errors.push({ message: "Variable $id of type ID! was provided invalid value", extensions: { code: "INVALID_VARIABLE" } });
    else if (type !== "Order" || digits === undefined) errors.push({ message: `Invalid global id '${id}'`, extensions: { code: "argumentLiteralsIncompatible" } });
    // Shopify answers null for an order it does not have (deleted, or another shop's).
    else data.order = orders.get(digits) ?? null;
  }
  if (Object.keys(data).length === 0 && errors.length === 0) {
    errors.push({ message: "The local Admin API stand-in answers only the product nodes(ids:) query, the shop query and the order(id:) query" });
  }
  return { status: 200, body: { ...(errors.length > 0 ? { errors } : { data }), extensions: costExtension(errors.length > 0 ? null : 1) } };
}

function productNode(gid: string, products: Map<string, ProductRecord>, query: string): Record<string, unknown> | null {
  const [, type, id] = GLOBAL_ID.exec(gid) ?? [];
  const product = type === "Product" && id !== undefined ? products.get(id) : undefined;
  if (!product) return null;
  // Answered only when selected, and no more than `first` asks for, as Shopify does.
  const variantsFirst = /\bvariants\s*\(\s*first:\s*(\d+)/.exec(query)?.[1];
  const variants = (product.variants ?? []).slice(0, Number(variantsFirst ?? 0)).map((variant) => ({
    id: `gid://shopify/ProductVariant/${variant.id}`,
    selectedOptions: variant.selectedOptions.map((option) => ({ ...option })),
  }));
  return {
    id: gid,
    handle: product.handle,
    title: product.title,
    onlineStoreUrl: product.onlineStoreUrl,
    vendor: product.vendor ?? "",
    productType: product.productType,
    featuredMedia: product.imageUrl ? { preview: { image: { url: product.imageUrl } } } : null,
    ...(variantsFirst !== undefined ? { variants: { nodes: variants } } : {}),
  };
}

/** Shopify reports each query's cost next to the data (GraphQL Admin API rate limits). */
function costExtension(actualQueryCost: number | null) {
  return {
    cost: {
      requestedQueryCost: 1,
      actualQueryCost,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1999, restoreRate: 100 },
    },
  };
}

/**
 * Shopify's answer when the app's cost bucket is empty: HTTP 200 with a THROTTLED
 * error and the bucket's state. For `knobs.failNext = { count, status: 200, body }`.
 */
export function shopifyThrottledBody({ requestedQueryCost = 12, currentlyAvailable = 2, restoreRate = 100 } = {}) {
  return {
    errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
    extensions: {
      cost: {
        requestedQueryCost,
        actualQueryCost: null,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable, restoreRate },
      },
    },
  };
}

/**
 * One product per distinct line-item product_id of the given order webhook
 * bodies (raw text: ids above 2^53 are read exactly), the first line naming it
 * winning. Custom lines (product_id null) and bodies without line items add
 * nothing.
 */
export function productsFromFixtures(fixtureTexts: string[], { shopDomain = DEFAULT_SHOP_DOMAIN } = {}): ProductRecord[] {
  const products = new Map<string, ProductRecord>();
  for (const text of fixtureTexts) {
    // Every number stays the digits it was written with.
    const order = parse(text, null, (digits: string) => digits) as { line_items?: unknown };
    if (!Array.isArray(order.line_items)) continue;
    for (const line of order.line_items as { product_id?: unknown; title?: unknown; vendor?: unknown }[]) {
      const id = line.product_id;
      if (typeof id !== "string" || !/^[0-9]+$/.test(id) || products.has(id)) continue;
      const title = typeof line.title === "string" && line.title.trim() !== "" ? line.title : `Product ${id}`;
      const handle = slugify(title) || `product-${id}`;
      products.set(id, {
        id,
        title,
        handle,
        vendor: typeof line.vendor === "string" && line.vendor !== "" ? line.vendor : null,
        productType: "Demo",
        onlineStoreUrl: `https://${shopDomain}/products/${handle}`,
        imageUrl: `https://cdn.shopify.com/s/files/1/0000/0001/files/${handle}.jpg`,
      });
    }
  }
  return [...products.values()];
}

/** Shopify-style handle: lower case, ASCII letters and digits, words joined by "-". */
export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

// ---------------------------------------------------------------------------
// Orders: the Admin GraphQL `Order` as the stand-in answers it, built from the
// webhook bodies Shopify would have sent about it. Field by field this is how
// Shopify's two APIs name the same data (REST/webhook -> GraphQL 2026-10):
// ids -> GIDs, timestamps -> UTC, enums -> upper case (financial_status ->
// displayFinancialStatus, cancel_reason -> cancelReason, fulfillment status),
// *_set {shop_money, presentment_money} -> MoneyBag {shopMoney, presentmentMoney},
// note_attributes / properties -> customAttributes {key, value},
// shipment_status -> Fulfillment.displayStatus, customer email / phone ->
// defaultEmailAddress / defaultPhoneNumber, country_code -> countryCodeV2.
// REST's total_line_items_price has no Order field: GraphQL clients add up the lines.

// The stand-in answers in the very shape the app's query parses (graphqlOrderSchema):
// one type for both sides, so they cannot drift apart.
export type AdminOrderNode = GraphqlOrder;
export type AdminFulfillmentNode = GraphqlOrder["fulfillments"][number];
export type GqlMoneyBag = GraphqlOrder["totalPriceSet"];
type GqlMoney = GqlMoneyBag["shopMoney"];
type GqlAddress = NonNullable<GraphqlOrder["shippingAddress"]>;
type GqlKeyValue = GraphqlOrder["customAttributes"][number];
type GqlPage<T> = { pageInfo: { hasNextPage: boolean }; nodes: T[] };

type Raw = Record<string, unknown>;

/** Parses a webhook body keeping every number as the digits it was written with (ids exceed 2^53). */
function parseExact(text: string): Raw {
  return parse(text, null, (digits: string) => digits) as Raw;
}

const str = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value : null);
const digitsOf = (value: unknown): string | null => (typeof value === "string" && /^\d+$/.test(value) ? value : null);
const num = (value: unknown): number => (typeof value === "string" ? Number(value) : typeof value === "number" ? value : 0);
const list = (value: unknown): Raw[] => (Array.isArray(value) ? (value as Raw[]) : []);
const upper = (value: unknown): string | null => (str(value) ? (value as string).toUpperCase() : null);

/** Shopify's GraphQL DateTime: UTC, whole seconds, "Z". */
function utc(value: unknown): string | null {
  const text = str(value);
  return text ? new Date(text).toISOString().replace(/\.\d{3}Z$/, "Z") : null;
}

function gidOf(raw: Raw, type: string): string {
  const gid = str(raw.admin_graphql_api_id);
  if (gid) return gid;
  const id = digitsOf(raw.id);
  if (!id) throw new Error(`a ${type} without an id`);
  return `gid://shopify/${type}/${id}`;
}

function gidNumber(gid: string): string {
  return GLOBAL_ID.exec(gid)?.[2] ?? gid;
}

/** A *_set, or (older payloads) the plain amount in the shop currency on both sides. */
function moneyBag(set: unknown, plain: unknown, shopCurrency: string): GqlMoneyBag {
  const value = set as { shop_money?: Raw; presentment_money?: Raw } | null | undefined;
  if (value?.shop_money && value.presentment_money) {
    return {
      shopMoney: { amount: String(value.shop_money.amount), currencyCode: String(value.shop_money.currency_code) },
      presentmentMoney: { amount: String(value.presentment_money.amount), currencyCode: String(value.presentment_money.currency_code) },
    };
  }
  const amount = plain === undefined || plain === null ? "0.00" : String(plain);
  return { shopMoney: { amount, currencyCode: shopCurrency }, presentmentMoney: { amount, currencyCode: shopCurrency } };
}

function sumBags(bags: GqlMoneyBag[], shopCurrency: string): GqlMoneyBag {
  if (bags.length === 0) return moneyBag(null, "0.00", shopCurrency);
  const add = (side: "shopMoney" | "presentmentMoney"): GqlMoney => ({
    amount: (bags.reduce((cents, bag) => cents + Math.round(Number(bag[side].amount) * 100), 0) / 100).toFixed(2),
    currencyCode: bags[0]![side].currencyCode,
  });
  return { shopMoney: add("shopMoney"), presentmentMoney: add("presentmentMoney") };
}

function address(raw: unknown): GqlAddress | null {
  if (!raw || typeof raw !== "object") return null;
  const a = raw as Raw;
  return {
    firstName: str(a.first_name),
    lastName: str(a.last_name),
    company: str(a.company),
    address1: str(a.address1),
    address2: str(a.address2),
    city: str(a.city),
    province: str(a.province),
    zip: str(a.zip),
    countryCodeV2: str(a.country_code),
    phone: str(a.phone),
  };
}

const keyValues = (value: unknown): GqlKeyValue[] => list(value).map((entry) => ({ key: String(entry.name), value: entry.value == null ? null : String(entry.value) }));

const page = <T>(nodes: T[]): GqlPage<T> => ({ pageInfo: { hasNextPage: false }, nodes });

function fulfillmentNode(raw: Raw): AdminFulfillmentNode {
  const numbers = [...list(raw.tracking_numbers ?? []).map(String), ...(str(raw.tracking_number) ? [raw.tracking_number as string] : [])];
  const status = upper(raw.status);
  return {
    id: gidOf(raw, "Fulfillment"),
    status,
    // What Shopify shows for a fulfillment without carrier events.
    displayStatus: upper(raw.shipment_status) ?? (status === "SUCCESS" ? "FULFILLED" : status === "CANCELLED" ? "CANCELED" : null),
    createdAt: utc(raw.created_at)!,
    updatedAt: utc(raw.updated_at) ?? utc(raw.created_at)!,
    trackingInfo: [...new Set(numbers)].map((number) => ({ number })),
    fulfillmentLineItems: page(list(raw.line_items).map((line) => ({ quantity: num(line.quantity), lineItem: { id: gidOf(line, "LineItem") } }))),
  };
}

/** The Admin GraphQL order for an orders/* webhook body (raw text). */
export function orderNodeFromWebhook(text: string): AdminOrderNode {
  const raw = parseExact(text);
  const currency = String(raw.currency);
  const customer = raw.customer as Raw | null | undefined;
  const shippingLines = list(raw.shipping_lines).map((line) => moneyBag(line.price_set, line.price, currency));
  return {
    id: gidOf(raw, "Order"),
    name: String(raw.name),
    // Order.email is the address the order was placed with (REST's email, else contact_email).
    email: str(raw.email) ?? str(raw.contact_email),
    phone: str(raw.phone),
    createdAt: utc(raw.created_at)!,
    updatedAt: utc(raw.updated_at) ?? utc(raw.created_at)!,
    cancelledAt: utc(raw.cancelled_at),
    cancelReason: upper(raw.cancel_reason),
    displayFinancialStatus: upper(raw.financial_status),
    test: raw.test === true,
    taxesIncluded: raw.taxes_included === true,
    currencyCode: currency,
    presentmentCurrencyCode: str(raw.presentment_currency) ?? currency,
    totalPriceSet: moneyBag(raw.total_price_set, raw.total_price, currency),
    totalShippingPriceSet: raw.total_shipping_price_set ? moneyBag(raw.total_shipping_price_set, null, currency) : sumBags(shippingLines, currency),
    discountCodes: list(raw.discount_codes).map((discount) => String(discount.code)),
    customAttributes: keyValues(raw.note_attributes),
    customer:
      customer && (customer.id != null || customer.admin_graphql_api_id != null)
        ? {
            id: gidOf(customer, "Customer"),
            firstName: str(customer.first_name),
            lastName: str(customer.last_name),
            defaultEmailAddress: str(customer.email) ? { emailAddress: customer.email as string } : null,
            defaultPhoneNumber: str(customer.phone) ? { phoneNumber: customer.phone as string } : null,
          }
        : null,
    shippingAddress: address(raw.shipping_address),
    billingAddress: address(raw.billing_address),
    lineItems: page(
      list(raw.line_items).map((line) => ({
        id: gidOf(line, "LineItem"),
        product: digitsOf(line.product_id) ? { id: `gid://shopify/Product/${line.product_id as string}` } : null,
        variant: digitsOf(line.variant_id) ? { id: `gid://shopify/ProductVariant/${line.variant_id as string}` } : null,
        sku: str(line.sku),
        title: String(line.title),
        variantTitle: str(line.variant_title),
        vendor: str(line.vendor),
        quantity: num(line.quantity),
        requiresShipping: line.requires_shipping !== false,
        originalUnitPriceSet: moneyBag(line.price_set, line.price, currency),
        discountAllocations: list(line.discount_allocations).map((allocation) => ({ allocatedAmountSet: moneyBag(allocation.amount_set, allocation.amount, currency) })),
        // TaxLine.rate is a Float in the Admin API.
        taxLines: list(line.tax_lines).map((tax) => ({ rate: tax.rate == null ? null : Number(tax.rate), priceSet: moneyBag(tax.price_set, tax.price, currency) })),
        customAttributes: keyValues(line.properties),
      })),
    ),
    fulfillments: list(raw.fulfillments).map(fulfillmentNode),
    refunds: list(raw.refunds).map(refundNode),
  };
}

function refundNode(refund: Raw) {
  return {
    id: gidOf(refund, "Refund"),
    createdAt: utc(refund.created_at)!,
    refundLineItems: page(
      list(refund.refund_line_items).map((line) => {
        const nested = line.line_item as Raw | undefined;
        const lineGid = str(nested?.admin_graphql_api_id) ?? `gid://shopify/LineItem/${String(line.line_item_id)}`;
        return { quantity: num(line.quantity), lineItem: { id: lineGid } };
      }),
    ),
  };
}

/**
 * Applies one webhook body to the orders Shopify holds: an order body replaces
 * the order unless an equally new or newer one is held; a fulfillment body is
 * merged into its order and moves the order's updatedAt forward, as Shopify does.
 */
export function recordWebhookBody(orders: Map<string, AdminOrderNode>, text: string): void {
  const raw = parseExact(text);
  if (raw.order_id !== undefined && raw.refund_line_items !== undefined) {
    // A refunds/create body: the order holds the refund from then on, and is updated at that time.
    const order = orders.get(String(raw.order_id));
    if (!order) return;
    const refund = refundNode(raw);
    order.refunds = [...order.refunds.filter((held) => held.id !== refund.id), refund];
    if (refund.createdAt > order.updatedAt) order.updatedAt = refund.createdAt;
    return;
  }
  if (raw.order_id !== undefined) {
    const order = orders.get(String(raw.order_id));
    if (!order) return;
    const fulfillment = fulfillmentNode(raw);
    order.fulfillments = [...order.fulfillments.filter((held) => held.id !== fulfillment.id), fulfillment];
    if (fulfillment.updatedAt > order.updatedAt) order.updatedAt = fulfillment.updatedAt;
    return;
  }
  const order = orderNodeFromWebhook(text);
  const key = gidNumber(order.id);
  const held = orders.get(key);
  if (!held || Date.parse(order.updatedAt) > Date.parse(held.updatedAt)) orders.set(key, order);
}

/** The orders Shopify holds after these webhook bodies (raw texts), applied in the order given. */
export function ordersFromWebhooks(texts: string[]): AdminOrderNode[] {
  const orders = new Map<string, AdminOrderNode>();
  for (const text of texts) recordWebhookBody(orders, text);
  return [...orders.values()];
}
