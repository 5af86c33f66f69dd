// The TestFreaks connector against each reading of what its document leaves open
// (docs/partners/testfreaks.md "Simulator variants"): a TestFreaks that ignores item
// fields it does not list, and one that answers 400 to them. The order goes the
// app's whole way: the Admin API stand-in answers the product look-up (variant
// options included), the pure mapper plans, the client pushes over real HTTP.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testfreaksConnector } from "~/connectors/testfreaks";
import type { TestfreaksConfig, TestfreaksOrderRequest } from "~/connectors/testfreaks/schema";
import { PartnerError } from "~/connectors/errors";
import type { PushContext } from "~/connectors/types";
import { silentLogger } from "~/logger";
import { buildCanonicalOrder } from "~/orders/build";
import type { CanonicalOrder } from "~/orders/canonical";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { graphqlFromAdmin } from "~/shopify/admin-graphql.server";
import { createProductLookup, PRODUCT_CACHE_KIND } from "~/shopify/product-lookup.server";
import { memoryPartnerCache } from "~/sync/partner-cache.server";
import { loadFixture } from "../fixtures/shopify/index";
import { catalogue, variantOptionsOf } from "./testfreaks.catalogue";
import { LOCAL_SHOP, localUnauthenticatedAdmin } from "../shopify/local-shopify-app";
import { startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { DOCUMENTED_ITEM_FIELDS, startTestfreaksSimulator, TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID, type TestfreaksSimulator } from "../simulators/testfreaks";

const config: TestfreaksConfig = { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID, itemIdSource: "sku", orderIdSource: "name" };

// What buyers typed on the lines: personal data that must never reach TestFreaks.
const TYPED = ["For Jane, love always", "Happy birthday! Call me on 07700 900000"];

function orderFrom(fixture: string, change?: (snapshot: OrderSnapshot) => void): CanonicalOrder {
  const result = extractOrderSnapshot(parseJsonLossless(loadFixture(fixture)));
  if (!result.ok) throw new Error(`${fixture}: ${result.error}`);
  change?.(result.snapshot);
  return buildCanonicalOrder(LOCAL_SHOP, result.snapshot);
}

const engraved = (cancelled = false) =>
  orderFrom("orders-updated.tracking-delivered-usd", (snapshot) => {
    snapshot.lineItems[0]!.properties = [
      { name: "Engraving", value: TYPED[0]! },
      { name: "Gift message", value: TYPED[1]! },
    ];
    if (cancelled) snapshot.cancelledAt = "2021-03-01T10:00:00.000Z";
  });

const ITEM_FIELD_VARIANTS = [
  { partner: "ignores item fields its document does not list", rejectUnknownItemFields: false },
  { partner: "answers 400 to an item field its document does not list", rejectUnknownItemFields: true },
] as const;

let admin: ShopifyAdminStandIn;

/** What the worker hands push for a first send to the TestFreaks stand-in at `baseUrl`. */
const pushContext = (baseUrl: string): PushContext<TestfreaksConfig> => ({
  shop: LOCAL_SHOP,
  config,
  remoteId: null,
  previousOutcomeUncertain: false,
  cache: memoryPartnerCache(),
  deps: { fetch: globalThis.fetch, now: () => new Date(), logger: silentLogger, baseUrl },
});
beforeEach(async () => {
  admin = await startShopifyAdminStandIn({ products: catalogue });
});
afterEach(async () => {
  await admin.close();
});

async function lookupProducts(order: CanonicalOrder, cache = memoryPartnerCache()) {
  const lookup = createProductLookup({ graphql: graphqlFromAdmin(await localUnauthenticatedAdmin(admin.url), { now: () => new Date() }), cache, now: () => new Date(), logger: silentLogger });
  return lookup.lookup(order.lineItems.flatMap((line) => (line.productId ? [line.productId] : [])));
}

describe.each(ITEM_FIELD_VARIANTS)("a TestFreaks that $partner", ({ rejectUnknownItemFields }) => {
  let tf: TestfreaksSimulator;
  beforeEach(async () => {
    tf = await startTestfreaksSimulator({ rejectUnknownItemFields });
  });
  afterEach(async () => {
    await tf.close();
  });
  const context = () => pushContext(tf.url);
  const planned = async (order: CanonicalOrder): Promise<TestfreaksOrderRequest> => {
    const plan = testfreaksConnector.plan(order, await lookupProducts(order), config);
    if (plan.kind !== "send") throw new Error(plan.reason);
    return plan.request;
  };

  it("given a delivered order with an engraving and a gift message, when it is pushed, then TestFreaks stores each item with its variant's size and colour and none of the typed text", async () => {
    await testfreaksConnector.push(await planned(engraved()), context());

    const stored = tf.state.findOrder(TESTFREAKS_SIM_CLIENT_ID, "#23301");
    expect(stored?.items.map(({ id, category, url, properties }) => ({ id, category, url, properties }))).toEqual([
      { id: "18500B", category: "Hoodies", url: `https://${LOCAL_SHOP}/products/unisex-hoodie`, properties: { Size: "Youth M (size 10/12)", Color: "Navy" } },
      { id: "5000B", category: "T-Shirts", url: `https://${LOCAL_SHOP}/products/unisex-t-shirt`, properties: { Size: "Youth M (size 10/12)", Color: "Deep Navy" } },
    ]);
    const everythingSent = JSON.stringify(tf.log.map((entry) => entry.body));
    for (const text of TYPED) expect(everythingSent).not.toContain(text);
  });

  it("given the order pushed, then cancelled, then both pushes are accepted and its items end unreviewable", async () => {
    await testfreaksConnector.push(await planned(engraved()), context());
    await testfreaksConnector.push(await planned(engraved(true)), context());

    expect(tf.log.map((entry) => entry.status)).toEqual([200, 200]);
    expect(tf.state.findOrder(TESTFREAKS_SIM_CLIENT_ID, "#23301")?.items.map((item) => item.reviewable)).toEqual([false, false]);
  });

  it("given every request the mapper can plan from the fixtures, then no item carries a field the document does not list", async () => {
    const fixtures = ["orders-updated.tracking-delivered-usd", "orders-updated.eur-fulfilled", "orders-cancelled.sample", "orders-create.gbp-presentment"];
    for (const fixture of fixtures) {
      const request = await planned(orderFrom(fixture));
      for (const item of request.order.items) expect(DOCUMENTED_ITEM_FIELDS).toEqual(expect.arrayContaining(Object.keys(item)));
      await testfreaksConnector.push(request, context());
    }

    expect(tf.log.map((entry) => entry.status)).toEqual([200, 200, 200, 200]);
  });
});

describe("the stricter TestFreaks refuses what it does not know", () => {
  it("given an item with a field the document does not list, when it is pushed, then it fails for good naming the field", async () => {
    const tf = await startTestfreaksSimulator({ rejectUnknownItemFields: true });
    try {
      const request = { order: { id: "#1", customer: { id: "c1" }, items: [{ id: "SKU-1", engraving: TYPED[0] }] } } as unknown as TestfreaksOrderRequest;
      const ctx = pushContext(tf.url);

      const error = await testfreaksConnector.push(request, ctx).then(
        () => null,
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(PartnerError);
      expect(error).toMatchObject({ failureClass: "permanent", httpStatus: 400, message: "TestFreaks answered 400: order.items[0].engraving is not a known item field." });
    } finally {
      await tf.close();
    }
  });
});

describe("the product look-up asks for the variants' options", () => {
  it("given the stand-in's catalogue, then each product comes back with its variants' options by variant id", async () => {
    const products = await lookupProducts(engraved());

    expect(products.get("4806450217009")?.variantOptions).toEqual(variantOptionsOf("4806450217009"));
    expect(products.get("4806450217009")?.variantOptions?.["32556228804658"]).toEqual([
      { name: "Size", value: "Youth L (size 14/16)" },
      { name: "Color", value: "Navy" },
    ]);
    expect(String((admin.log[0]?.body as { query: string }).query)).toMatch(/variants\(first: \d+\)[\s\S]*selectedOptions \{\s*name\s*value\s*\}/);
  });

  it("given a product cached before options were looked up (cache v1), then it is asked for again rather than sent without options", async () => {
    const cache = memoryPartnerCache();
    const old = { productId: "4806450217009", handle: "unisex-hoodie", title: "Unisex Hoodie", url: null, imageUrl: null, vendor: null, productType: "Hoodies" };
    await cache.set(PRODUCT_CACHE_KIND, "4806450217009", JSON.stringify({ v: 1, fetchedAt: new Date().toISOString(), product: old }));

    const products = await lookupProducts(engraved(), cache);

    expect(admin.log).toHaveLength(1);
    expect(products.get("4806450217009")?.variantOptions?.["32556228804657"]).toEqual([
      { name: "Size", value: "Youth M (size 10/12)" },
      { name: "Color", value: "Navy" },
    ]);
  });
});
