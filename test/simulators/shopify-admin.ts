// Local stand-in for the Shopify Admin GraphQL API: the two queries the app makes
// (products by id through `nodes(ids:)`, and `shop`), behind the same URL shape
// (POST /admin/api/<version>/graphql.json) and the same access-token header as
// Shopify. The app reaches it through app/shopify/local-admin.server.ts.
//
// It is not a GraphQL engine: it recognises the root fields in the query text and
// answers every field the app selects; a query it does not recognise gets a
// GraphQL error, so a new query shows up here instead of passing silently.
import { parse } from "lossless-json";
import { startSimServer, type Knobs, type SimAnswer, type SimRequest, type SimServer } from "./server";

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
}

export interface ShopRecord {
  name: string;
  currencyCode: string;
  myshopifyDomain: string;
}

export interface ShopifyAdminStandIn extends SimServer {
  /** The catalogue by product id: tests edit or delete entries between calls. */
  products: Map<string, ProductRecord>;
  shop: ShopRecord;
}

export const DEFAULT_SHOP_DOMAIN = "partner-sync-demo.myshopify.com";

/** Shopify's limit on ids in one `nodes` query. */
const MAX_NODE_IDS = 250;
const GRAPHQL_PATH = /^\/admin\/api\/[^/]+\/graphql\.json$/;
const GLOBAL_ID = /^gid:\/\/shopify\/([A-Za-z]+)\/([0-9]+)$/;

export async function startShopifyAdminStandIn(
  opts: { products?: ProductRecord[]; shop?: Partial<ShopRecord>; knobs?: Partial<Knobs>; port?: number } = {},
): Promise<ShopifyAdminStandIn> {
  const products = new Map((opts.products ?? []).map((product) => [product.id, product]));
  const shop: ShopRecord = {
    name: "Partner Sync Demo",
    currencyCode: "USD",
    myshopifyDomain: DEFAULT_SHOP_DOMAIN,
    ...opts.shop,
  };
  const server = await startSimServer((req) => answerAdminRequest(req, products, shop), { port: opts.port, knobs: opts.knobs });
  return Object.assign(server, { products, shop });
}

function answerAdminRequest(req: SimRequest, products: Map<string, ProductRecord>, shop: ShopRecord): SimAnswer {
  if (req.method !== "POST" || !GRAPHQL_PATH.test(req.path)) return { status: 404, body: { errors: "Not Found" } };
  const token = req.headers["x-shopify-access-token"];
  if (typeof token !== "string" || token.trim() === "") {
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
      else data.nodes = ids.map((id) => productNode(id, products));
    }
  }
  if (/\bshop\s*\{/.test(query)) data.shop = shop;
  if (Object.keys(data).length === 0 && errors.length === 0) {
    errors.push({ message: "The local Admin API stand-in answers only the product nodes(ids:) query and the shop query" });
  }
  return { status: 200, body: { ...(errors.length > 0 ? { errors } : { data }), extensions: costExtension(errors.length > 0 ? null : 1) } };
}

function productNode(gid: string, products: Map<string, ProductRecord>): Record<string, unknown> | null {
  const [, type, id] = GLOBAL_ID.exec(gid) ?? [];
  const product = type === "Product" && id !== undefined ? products.get(id) : undefined;
  if (!product) return null;
  return {
    id: gid,
    handle: product.handle,
    title: product.title,
    onlineStoreUrl: product.onlineStoreUrl,
    vendor: product.vendor ?? "",
    productType: product.productType,
    featuredMedia: product.imageUrl ? { preview: { image: { url: product.imageUrl } } } : null,
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
