import { afterEach, describe, expect, it } from "vitest";
import { parse } from "lossless-json";
import { ShopifyError } from "~/connectors/errors";
import { silentLogger } from "~/logger";
import { graphqlFromAdmin } from "~/shopify/admin-graphql.server";
import { createProductLookup, MAX_IDS_PER_QUERY, PRODUCT_CACHE_KIND, VARIANTS_PER_PRODUCT } from "~/shopify/product-lookup.server";
import { memoryPartnerCache } from "~/sync/partner-cache.server";
import type { Knobs } from "../simulators/server";
import { productsFromFixtures, shopifyThrottledBody, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { loadFixture, orderFixtureNames } from "../fixtures/shopify";
import { LOCAL_SHOP, localUnauthenticatedAdmin } from "./local-shopify-app";

const HOUR = 60 * 60_000;

/** The product_id of each line of an order fixture, digits exactly as written (null for a custom line). */
function lineProductIds(fixtureName: string): (string | null)[] {
  const order = parse(loadFixture(fixtureName), null, (digits: string) => digits) as { line_items: { product_id: string | null }[] };
  return order.line_items.map((line) => line.product_id);
}

const catalogue = () => productsFromFixtures(orderFixtureNames.map(loadFixture), { shopDomain: LOCAL_SHOP });

let standIn: ShopifyAdminStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

/** The app's wiring: stand-in <- shopify-app-remix admin client <- graphqlFromAdmin <- lookup, on a fake clock. */
async function given({ knobs, products = catalogue() }: { knobs?: Partial<Knobs>; products?: ReturnType<typeof catalogue> } = {}) {
  standIn = await startShopifyAdminStandIn({ products, knobs });
  const clock = { now: new Date("2026-03-02T09:00:00Z") };
  const now = () => clock.now;
  const cache = memoryPartnerCache(now);
  const admin = await localUnauthenticatedAdmin(standIn.url);
  const lookup = createProductLookup({ graphql: graphqlFromAdmin(admin, { now }), cache, now, logger: silentLogger });
  const advance = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));
  const requestedIds = () => standIn!.log.map((entry) => (entry.body as { variables: { ids: string[] } }).variables.ids);
  return { standIn, lookup, cache, now, advance, requestedIds };
}

async function lookupFailure(promise: Promise<unknown>): Promise<ShopifyError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ShopifyError);
  return error as ShopifyError;
}

describe("product lookup: batching", () => {
  it("given an order with 5 lines of 3 products, one request asks for the 3 products and the map holds them", async () => {
    const [multiManaged, compareAt, thirdParty] = lineProductIds("orders-create.discount-code-cad") as string[];
    const orderLines = [multiManaged, compareAt, multiManaged, thirdParty, compareAt] as string[];
    const { standIn, lookup, requestedIds } = await given();

    const products = await lookup.lookup(orderLines);

    expect(standIn.log).toHaveLength(1);
    expect(standIn.log[0]?.path).toBe("/admin/api/2026-01/graphql.json");
    expect(requestedIds()).toEqual([[`gid://shopify/Product/${multiManaged}`, `gid://shopify/Product/${compareAt}`, `gid://shopify/Product/${thirdParty}`]]);
    expect([...products.keys()]).toEqual([multiManaged, compareAt, thirdParty]);
    expect(products.get(multiManaged!)).toEqual({
      productId: multiManaged,
      handle: "the-multi-managed-snowboard",
      title: "The Multi-managed Snowboard",
      url: `https://${LOCAL_SHOP}/products/the-multi-managed-snowboard`,
      imageUrl: "https://cdn.shopify.com/s/files/1/0000/0001/files/the-multi-managed-snowboard.jpg",
      vendor: "Multi-managed Vendor",
      productType: "Demo",
      variantOptions: {},
    });
  });

  it("given no product ids (an order of custom lines), Shopify is not asked", async () => {
    const { standIn, lookup } = await given();

    const products = await lookup.lookup([]);

    expect(products.size).toBe(0);
    expect(standIn.log).toHaveLength(0);
  });

  it("given more distinct products than one query's cost allows (each asks for its variants), they go out MAX_IDS_PER_QUERY at a time", async () => {
    const ids = Array.from({ length: MAX_IDS_PER_QUERY + 1 }, (_, index) => String(9_000_000_000_000 + index));
    const { lookup, requestedIds } = await given({ products: [] });

    await lookup.lookup(ids);

    expect(requestedIds().map((batch) => batch.length)).toEqual([MAX_IDS_PER_QUERY, 1]);
    // Shopify refuses a query whose requested cost passes 1,000 points: ~206 per product asked with 100 variants.
    expect(MAX_IDS_PER_QUERY * (1 + 3 + 2 + 2 * VARIANTS_PER_PRODUCT)).toBeLessThanOrEqual(1000);
  });
});

describe("product lookup: cache", () => {
  it("given a product looked up 5 h 59 min ago, it is served from the cache without asking Shopify", async () => {
    const ids = lineProductIds("orders-updated.tracking-delivered-usd") as string[];
    const { standIn, lookup, advance } = await given();
    const first = await lookup.lookup(ids);

    advance(6 * HOUR - 60_000);
    const second = await lookup.lookup(ids);

    expect(standIn.log).toHaveLength(1);
    expect(second).toEqual(first);
    expect(second.get(ids[0]!)?.title).toBe("Patterson Elementary School-Unisex Hoodie");
  });

  it("given the freshness has passed, the product is asked for again and the new answer replaces the old", async () => {
    const [hoodie] = lineProductIds("orders-updated.tracking-delivered-usd") as string[];
    const { standIn, lookup, advance } = await given();
    await lookup.lookup([hoodie!]);
    standIn.products.set(hoodie!, { ...standIn.products.get(hoodie!)!, title: "Patterson Elementary Hoodie (2026)", onlineStoreUrl: null });

    advance(6 * HOUR);
    const refreshed = await lookup.lookup([hoodie!]);

    expect(standIn.log).toHaveLength(2);
    expect(refreshed.get(hoodie!)).toMatchObject({ title: "Patterson Elementary Hoodie (2026)", url: null });
  });

  it("given the freshness setting was shortened, entries cached under the longer one are not used past the new limit", async () => {
    const [hoodie] = lineProductIds("orders-updated.tracking-delivered-usd") as string[];
    const { standIn, lookup, cache, now, advance } = await given();
    await lookup.lookup([hoodie!]);
    const admin = await localUnauthenticatedAdmin(standIn.url);
    const hourlyLookup = createProductLookup({ graphql: graphqlFromAdmin(admin), cache, now, freshnessMs: HOUR, logger: silentLogger });

    advance(2 * HOUR);
    await hourlyLookup.lookup([hoodie!]);

    expect(standIn.log).toHaveLength(2);
  });

  it("given one product cached and one not, only the missing one is asked for", async () => {
    const [cdaaTest, cdaaCourse] = lineProductIds("orders-updated.eur-fulfilled") as string[];
    const { lookup, requestedIds } = await given();
    await lookup.lookup([cdaaCourse!]);

    const products = await lookup.lookup([cdaaTest!, cdaaCourse!]);

    expect(requestedIds()).toEqual([[`gid://shopify/Product/${cdaaCourse}`], [`gid://shopify/Product/${cdaaTest}`]]);
    expect([...products.keys()]).toEqual([cdaaTest, cdaaCourse]);
    expect(products.get(cdaaTest!)?.vendor).toBe("DEC Institute");
    expect(products.get(cdaaCourse!)?.title).toBe("CHARTERED DIGITAL ASSET ANALYST (CDAA)® - LEVEL 1");
  });
});

describe("product lookup: deleted products", () => {
  it("given a product Shopify no longer has, it is left out and remembered as gone for 15 minutes only", async () => {
    const [pinkArmchair] = lineProductIds("orders-cancelled.refunded-cad") as string[];
    const [wineSpark] = lineProductIds("orders-create.gbp-presentment") as string[];
    const { standIn, lookup, advance, cache } = await given();
    const deleted = standIn.products.get(pinkArmchair!)!;
    standIn.products.delete(pinkArmchair!);

    const products = await lookup.lookup([pinkArmchair!, wineSpark!]);

    expect([...products.keys()]).toEqual([wineSpark]);
    expect(JSON.parse((await cache.get(PRODUCT_CACHE_KIND, pinkArmchair!))!)).toMatchObject({ product: null });

    advance(14 * 60_000);
    expect((await lookup.lookup([pinkArmchair!])).size).toBe(0);
    expect(standIn.log).toHaveLength(1);

    // The merchant restores the product: once the short memory of its absence ends, it is found again.
    standIn.products.set(pinkArmchair!, deleted);
    advance(60_000);
    expect((await lookup.lookup([pinkArmchair!])).get(pinkArmchair!)?.title).toBe("PinkArmchair");
    expect(standIn.log).toHaveLength(2);
  });
});

describe("product lookup: failures are never a silent blank", () => {
  it("given the stand-in is down, the lookup throws a retryable ShopifyError saying Shopify could not be reached", async () => {
    const ids = lineProductIds("orders-updated.eur-fulfilled") as string[];
    const { standIn, lookup, cache } = await given();
    await standIn.close();

    const error = await lookupFailure(lookup.lookup(ids));

    expect(error.failureClass).toBe("retryable");
    expect(error.uncertain).toBe(false);
    expect(error.message).toMatch(/^Shopify product lookup failed: Shopify could not be reached \(.+\)$/);
    expect(await cache.get(PRODUCT_CACHE_KIND, ids[0]!)).toBeNull();
  });

  it("given Shopify answers 503, the lookup is retryable and names the status", async () => {
    const { lookup } = await given({ knobs: { failNext: { count: 1, status: 503 } } });

    const error = await lookupFailure(lookup.lookup(["7224401100939"]));

    expect(error).toMatchObject({ failureClass: "retryable", httpStatus: 503 });
    expect(error.message).toMatch(/^Shopify product lookup failed: Shopify answered HTTP 503/);
  });

  it("given Shopify answers 401 (token refused), the lookup stays retryable: the partner's credentials are not at fault", async () => {
    const { lookup } = await given({ knobs: { failNext: { count: 1, status: 401, body: { errors: "[API] Invalid API key or access token" } } } });

    const error = await lookupFailure(lookup.lookup(["7224401100939"]));

    expect(error).toMatchObject({ failureClass: "retryable", httpStatus: 401 });
    expect(error.message).toContain("access token was refused");
  });

  it("given Shopify answers 429 with Retry-After, the lookup is rate_limited for that long", async () => {
    const { lookup } = await given({ knobs: { failNext: { count: 1, status: 429, headers: { "retry-after": "2" } } } });

    const error = await lookupFailure(lookup.lookup(["7224401100939"]));

    expect(error).toMatchObject({ failureClass: "rate_limited", httpStatus: 429, retryAfterMs: 2000 });
  });

  it("given a GraphQL error, the ShopifyError carries Shopify's message", async () => {
    const accessDenied = { errors: [{ message: "Access denied for nodes field. Required access: `read_products` access scope.", extensions: { code: "ACCESS_DENIED" } }] };
    const { lookup, cache } = await given({ knobs: { failNext: { count: 1, status: 200, body: accessDenied } } });

    const error = await lookupFailure(lookup.lookup(["7224401100939"]));

    expect(error).toMatchObject({ failureClass: "retryable", httpStatus: 200 });
    expect(error.message).toBe("Shopify product lookup failed: Access denied for nodes field. Required access: `read_products` access scope.");
    expect(await cache.get(PRODUCT_CACHE_KIND, "7224401100939")).toBeNull();
  });

  it("given Shopify answers THROTTLED, the lookup is rate_limited until the cost bucket holds the query again", async () => {
    // 502 points asked, 2 available, 100 restored per second: 5 s.
    const throttled = shopifyThrottledBody({ requestedQueryCost: 502, currentlyAvailable: 2, restoreRate: 100 });
    const { lookup } = await given({ knobs: { failNext: { count: 1, status: 200, body: throttled } } });

    const error = await lookupFailure(lookup.lookup(["7224401100939"]));

    expect(error).toMatchObject({ failureClass: "rate_limited", retryAfterMs: 5000 });
    expect(error.message).toBe("Shopify product lookup failed: Shopify throttled the query (Throttled)");
  });

  it("given an id that is not a Shopify product id, the lookup refuses it before asking", async () => {
    const { standIn, lookup } = await given();

    const error = await lookupFailure(lookup.lookup(["8390362562816", "gid://shopify/Product/1"]));

    expect(error.failureClass).toBe("permanent");
    expect(error.message).toContain('"gid://shopify/Product/1" is not a Shopify product id');
    expect(standIn.log).toHaveLength(0);
  });
});

describe("product lookup: ids above 2^53", () => {
  it("given Shopify's sample order (product 788032119674292922 on 3 lines), the id is asked, cached and answered exactly", async () => {
    const ids = lineProductIds("orders-cancelled.sample").filter((id): id is string => id !== null);
    expect(ids).toEqual(["788032119674292922", "788032119674292922", "788032119674292922"]);
    expect(String(Number(ids[0]))).not.toBe(ids[0]); // JSON.parse would have rounded it
    const { lookup, cache, requestedIds } = await given();

    const products = await lookup.lookup(ids);

    expect(requestedIds()).toEqual([["gid://shopify/Product/788032119674292922"]]);
    expect([...products.keys()]).toEqual(["788032119674292922"]);
    expect(products.get("788032119674292922")).toMatchObject({ productId: "788032119674292922", title: "Aviator sunglasses", vendor: null });
    expect(await cache.get(PRODUCT_CACHE_KIND, "788032119674292922")).not.toBeNull();
    expect(await cache.get(PRODUCT_CACHE_KIND, "788032119674292900")).toBeNull();
  });
});
