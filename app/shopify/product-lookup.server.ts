// Product details the order webhook does not carry (docs/partners/README.md): Reverb needs a
// product_url, TestFreaks url / image_url / category and the variants' options
// (docs/partners/testfreaks.md), Revers.io a brand (vendor) and a photo. They come from the Admin GraphQL API, one batched `nodes` query
// per order, and are cached per shop (the PartnerCache handed in is scoped to
// the shop and partner "shopify").
import { z } from "zod";
import type { Logger } from "~/logger";
import type { ProductInfo, VariantOption } from "~/orders/canonical";
import { ShopifyError, trimMessage } from "~/connectors/errors";
import type { PartnerCache } from "~/sync/partner-cache.server";
import { policy } from "~/sync/retry-policy";
import type { ShopifyGraphql } from "./admin-graphql.server";
import { readGraphqlErrors, type GraphqlErrors } from "./graphql-errors";

export interface ProductLookup {
  /**
   * Product details by Shopify product id (decimal string). Products Shopify no
   * longer has are left out of the map; any failure to ask throws ShopifyError.
   */
  lookup(productIds: readonly string[]): Promise<Map<string, ProductInfo>>;
}

export interface ProductLookupDeps {
  graphql: ShopifyGraphql;
  cache: PartnerCache;
  now: () => Date;
  /** How long a looked-up product is used without asking Shopify again. */
  freshnessMs?: number;
  /** How long a product Shopify answered null for is remembered as gone (shorter: it may be restored). */
  missingFreshnessMs?: number;
  logger: Logger;
}

export const PRODUCT_CACHE_KIND = "product";
export const DEFAULT_PRODUCT_FRESHNESS_MS = 6 * 60 * 60_000;
export const DEFAULT_MISSING_PRODUCT_FRESHNESS_MS = 15 * 60_000;
/**
 * Variants asked for per product (their options go to TestFreaks as the item's
 * properties): Shopify's long-standing limit per product. A variant past it is
 * looked up without options, never guessed.
 */
export const VARIANTS_PER_PRODUCT = 100;
/**
 * Products per `nodes` query. Shopify takes at most 250 ids, and refuses a query whose
 * requested cost passes 1,000 points (Admin GraphQL rate limits): a product costs 1,
 * its featured media's image 3, its variants connection 2 + 2 per variant asked
 * (the variant and its options). An order with more distinct products takes several queries.
 */
export const MAX_IDS_PER_QUERY = Math.min(250, Math.floor(1000 / (1 + 3 + 2 + 2 * VARIANTS_PER_PRODUCT)));

const LOOKUP_FAILED = "Shopify product lookup failed";

// featuredImage is deprecated on Product ("Use `featuredMedia` instead", Admin
// GraphQL 2025-xx / 2026-xx); a featured media's preview image is its picture
// for images and videos alike. onlineStoreUrl is null when the product is not
// published to the Online Store. Needs the read_products access scope.
export const PRODUCTS_BY_ID_QUERY = `#graphql
query ProductsForPartnerSync($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Product {
      id
      handle
      title
      onlineStoreUrl
      vendor
      productType
      featuredMedia {
        preview {
          image {
            url
          }
        }
      }
      variants(first: ${VARIANTS_PER_PRODUCT}) {
        nodes {
          id
          selectedOptions {
            name
            value
          }
        }
      }
    }
  }
}`;

const productNodeSchema = z.object({
  id: z.string(),
  handle: z.string().nullish(),
  title: z.string().nullish(),
  onlineStoreUrl: z.string().nullish(),
  vendor: z.string().nullish(),
  productType: z.string().nullish(),
  featuredMedia: z.object({ preview: z.object({ image: z.object({ url: z.string().nullish() }).nullish() }).nullish() }).nullish(),
  variants: z.object({ nodes: z.array(z.object({ id: z.string(), selectedOptions: z.array(z.object({ name: z.string(), value: z.string() })).nullish() })) }).nullish(),
});
type ProductNode = z.infer<typeof productNodeSchema>;

const responseSchema = z.object({
  data: z.object({ nodes: z.array(productNodeSchema.nullable()) }).nullish(),
});

/** What is stored under kind "product", key = product id. `product: null` remembers a deleted product. */
const productInfoSchema = z.object({
  productId: z.string(),
  handle: z.string().nullable(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  imageUrl: z.string().nullable(),
  vendor: z.string().nullable(),
  productType: z.string().nullable(),
  variantOptions: z.record(z.string(), z.array(z.object({ name: z.string(), value: z.string() }))).optional(),
}) satisfies z.ZodType<ProductInfo>;
// v2: entries carry the variants' options; a v1 entry (without them) is asked for again.
const cacheEntrySchema = z.object({ v: z.literal(2), fetchedAt: z.string(), product: productInfoSchema.nullable() });
type CacheEntry = z.infer<typeof cacheEntrySchema>;

const DECIMAL_ID = /^[1-9][0-9]*$/;

export const productGid = (productId: string): string => `gid://shopify/Product/${productId}`;

export function createProductLookup({
  graphql,
  cache,
  now,
  freshnessMs = DEFAULT_PRODUCT_FRESHNESS_MS,
  missingFreshnessMs = Math.min(DEFAULT_MISSING_PRODUCT_FRESHNESS_MS, freshnessMs),
  logger,
}: ProductLookupDeps): ProductLookup {
  const readCached = async (productId: string): Promise<CacheEntry | null> => {
    const raw = await cache.get(PRODUCT_CACHE_KIND, productId);
    if (raw === null) return null;
    let parsed: ReturnType<typeof cacheEntrySchema.safeParse>;
    try {
      parsed = cacheEntrySchema.safeParse(JSON.parse(raw));
    } catch {
      return null;
    }
    if (!parsed.success) return null;
    // The cache's own expiry normally decides; this also drops entries written
    // under a longer freshness setting than the one in force now.
    const ageMs = now().getTime() - Date.parse(parsed.data.fetchedAt);
    const limit = parsed.data.product ? freshnessMs : missingFreshnessMs;
    return ageMs >= 0 && ageMs < limit ? parsed.data : null;
  };

  const remember = async (productId: string, product: ProductInfo | null) => {
    const entry: CacheEntry = { v: 2, fetchedAt: now().toISOString(), product };
    await cache.set(PRODUCT_CACHE_KIND, productId, JSON.stringify(entry), product ? freshnessMs : missingFreshnessMs);
  };

  const fetchProducts = async (productIds: string[]): Promise<(ProductInfo | null)[]> => {
    const gids = productIds.map(productGid);
    let body: unknown;
    try {
      body = await graphql(PRODUCTS_BY_ID_QUERY, { ids: gids });
    } catch (error) {
      throw lookupFailure(error);
    }
    const errors = readGraphqlErrors(body);
    if (errors) throw graphqlErrorsFailure(errors);
    const parsed = responseSchema.safeParse(body);
    if (!parsed.success) {
      throw new ShopifyError(`${LOOKUP_FAILED}: Shopify sent an answer we could not read (${trimMessage(z.prettifyError(parsed.error))})`, "retryable", 200);
    }
    const nodes = parsed.data.data?.nodes;
    if (!nodes || nodes.length !== gids.length) {
      throw new ShopifyError(`${LOOKUP_FAILED}: Shopify answered ${nodes?.length ?? "no"} nodes for ${gids.length} ids`, "retryable", 200);
    }
    // Shopify answers `nodes` in the order of `ids`, null where nothing has that id.
    return nodes.map((node, index) => {
      const productId = productIds[index] as string;
      if (node === null) return null;
      if (node.id !== productGid(productId)) {
        throw new ShopifyError(`${LOOKUP_FAILED}: Shopify answered ${node.id} where ${productGid(productId)} was asked`, "retryable", 200);
      }
      return toProductInfo(productId, node);
    });
  };

  return {
    async lookup(productIds) {
      const wanted = [...new Set(productIds)];
      const invalid = wanted.find((id) => !DECIMAL_ID.test(id));
      if (invalid !== undefined) {
        throw new ShopifyError(`${LOOKUP_FAILED}: ${JSON.stringify(invalid)} is not a Shopify product id`, "permanent", null);
      }

      const found = new Map<string, ProductInfo>();
      const toFetch: string[] = [];
      let knownMissing = 0;
      for (const productId of wanted) {
        const cached = await readCached(productId);
        if (!cached) toFetch.push(productId);
        else if (cached.product) found.set(productId, cached.product);
        else knownMissing += 1;
      }

      let missing = 0;
      for (let start = 0; start < toFetch.length; start += MAX_IDS_PER_QUERY) {
        const chunk = toFetch.slice(start, start + MAX_IDS_PER_QUERY);
        const products = await fetchProducts(chunk);
        for (const [index, product] of products.entries()) {
          const productId = chunk[index] as string;
          await remember(productId, product);
          if (product) found.set(productId, product);
          else missing += 1;
        }
      }

      if (toFetch.length > 0 || knownMissing > 0) {
        logger.info("shopify product lookup", {
          requested: wanted.length,
          fromCache: wanted.length - toFetch.length,
          fetched: toFetch.length,
          missing: missing + knownMissing,
        });
      }
      if (missing > 0) logger.warn("shopify products no longer exist", { productIds: toFetch.filter((id) => !found.has(id)) });
      // In the order asked, whichever came from the cache.
      return new Map(wanted.flatMap((id) => (found.has(id) ? [[id, found.get(id) as ProductInfo] as const] : [])));
    },
  };
}

function toProductInfo(productId: string, node: ProductNode): ProductInfo {
  // Shopify answers "" for a vendor or product type the merchant left empty.
  const text = (value: string | null | undefined) => (value ? value : null);
  return {
    productId,
    handle: text(node.handle),
    title: text(node.title),
    url: text(node.onlineStoreUrl),
    imageUrl: text(node.featuredMedia?.preview?.image?.url),
    vendor: text(node.vendor),
    productType: text(node.productType),
    variantOptions: variantOptionsOf(node),
  };
}

const VARIANT_GID = /^gid:\/\/shopify\/ProductVariant\/([0-9]+)$/;

/** Options by decimal variant id; options with an empty name or value say nothing and are left out. */
function variantOptionsOf(node: ProductNode): Record<string, VariantOption[]> {
  const byVariant: Record<string, VariantOption[]> = {};
  for (const variant of node.variants?.nodes ?? []) {
    const id = VARIANT_GID.exec(variant.id)?.[1];
    if (!id) continue;
    byVariant[id] = (variant.selectedOptions ?? []).filter((o) => o.name.trim() !== "" && o.value.trim() !== "").map((o) => ({ name: o.name, value: o.value }));
  }
  return byVariant;
}

/**
 * A 200 answer carrying GraphQL errors. THROTTLED (the cost bucket is empty) is
 * rate_limited with the wait the bucket needs to refill; anything else
 * (missing access scope, bad query) is retryable, as every lookup failure is: the
 * partner call has not happened yet, so `credentials` or `permanent` would pause
 * or end the partner's job for a Shopify-side problem.
 */
function graphqlErrorsFailure({ message, throttled, waitMs }: GraphqlErrors): ShopifyError {
  if (!throttled) return new ShopifyError(`${LOOKUP_FAILED}: ${message}`, "retryable", 200);
  return new ShopifyError(`${LOOKUP_FAILED}: Shopify throttled the query (${message})`, "rate_limited", 200, waitMs ?? policy.defaultRateLimitMs);
}

/**
 * A call that threw. Only a wait Shopify asked for survives as rate_limited;
 * everything else is retryable (see graphqlErrorsFailure). Nothing was sent to a
 * partner yet, so the outcome is never uncertain.
 */
function lookupFailure(error: unknown): ShopifyError {
  if (error instanceof ShopifyError) {
    const failureClass = error.failureClass === "rate_limited" ? "rate_limited" : "retryable";
    return new ShopifyError(`${LOOKUP_FAILED}: ${error.message}`, failureClass, error.httpStatus, error.retryAfterMs, false);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ShopifyError(`${LOOKUP_FAILED}: ${trimMessage(reason)}`, "retryable", null);
}
