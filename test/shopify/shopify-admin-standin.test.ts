import { afterEach, describe, expect, it } from "vitest";
import { productsFromFixtures, slugify, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { loadFixture, orderFixtureNames } from "../fixtures/shopify";

let standIn: ShopifyAdminStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function post(path: string, body: unknown, headers: Record<string, string> = { "x-shopify-access-token": "shpat_test" }) {
  const response = await fetch(`${standIn!.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const productsQuery = "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { id handle title onlineStoreUrl vendor productType featuredMedia { preview { image { url } } } } } }";

describe("productsFromFixtures", () => {
  it("derives one product per distinct line-item product id of the order fixtures, ids exact", () => {
    const products = productsFromFixtures(["orders-cancelled.sample", "orders-create.discount-code-cad", "orders-create.guest-discount-hkd", "orders-cancelled.refunded-hkd"].map(loadFixture));

    // Sample: 1 product on 3 lines + 2 custom lines; discount-code: 5; HKD draft: 2; HKD cancelled: 1 already seen.
    expect(products.map((product) => product.id)).toEqual([
      "788032119674292922",
      "8390362562816",
      "8390362497280",
      "8390362530048",
      "8390362366208",
      "8390362759424",
      "9782123692332",
      "9797441945900",
    ]);
    expect(products[0]).toEqual({
      id: "788032119674292922",
      title: "Aviator sunglasses",
      handle: "aviator-sunglasses",
      vendor: null,
      productType: "Demo",
      onlineStoreUrl: "https://partner-sync-demo.myshopify.com/products/aviator-sunglasses",
      imageUrl: "https://cdn.shopify.com/s/files/1/0000/0001/files/aviator-sunglasses.jpg",
    });
    expect(products.find((product) => product.id === "8390362366208")).toMatchObject({ handle: "the-collection-snowboard-hydrogen", vendor: "Hydrogen Vendor" });
  });

  it("skips bodies without line items and gives handles to titles with no Latin letters", () => {
    const products = productsFromFixtures([loadFixture("refunds-create.cad-usd"), loadFixture("orders-cancelled.refunded-hkd")], { shopDomain: "hk-demo.myshopify.com" });

    expect(products).toHaveLength(1);
    expect(products[0]).toMatchObject({ id: "9782123692332", title: "aaa0103測試商品11aa", handle: "aaa0103-11aa", onlineStoreUrl: "https://hk-demo.myshopify.com/products/aaa0103-11aa" });
    expect(slugify("CDAA® PRACTICE TEST - LEVEL 1")).toBe("cdaa-practice-test-level-1");
    expect(slugify("Crème brûlée")).toBe("creme-brulee");
  });

  it("covers every product of every order fixture", () => {
    const products = productsFromFixtures(orderFixtureNames.map(loadFixture));
    const ids = new Set(products.map((product) => product.id));

    for (const name of orderFixtureNames) {
      for (const [, id] of loadFixture(name).matchAll(/"product_id":\s*(\d+)/g)) expect(ids).toContain(id);
    }
  });
});

describe("Shopify Admin API stand-in", () => {
  it("answers the nodes(ids:) product query for any API version, null for unknown or non-product ids", async () => {
    standIn = await startShopifyAdminStandIn({ products: productsFromFixtures([loadFixture("orders-cancelled.refunded-cad")]) });

    const answer = await post("/admin/api/2025-07/graphql.json", {
      query: productsQuery,
      variables: { ids: ["gid://shopify/Product/7224401100939", "gid://shopify/Product/1", "gid://shopify/Order/7224401100939"] },
    });

    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({
      nodes: [
        {
          id: "gid://shopify/Product/7224401100939",
          handle: "pinkarmchair",
          title: "PinkArmchair",
          onlineStoreUrl: "https://partner-sync-demo.myshopify.com/products/pinkarmchair",
          vendor: "Company 123",
          productType: "Demo",
          featuredMedia: { preview: { image: { url: "https://cdn.shopify.com/s/files/1/0000/0001/files/pinkarmchair.jpg" } } },
        },
        null,
        null,
      ],
    });
    expect(answer.body.extensions).toMatchObject({ cost: { throttleStatus: { restoreRate: 100 } } });
  });

  it("answers the shop query", async () => {
    standIn = await startShopifyAdminStandIn({ shop: { name: "Demo Store", currencyCode: "CAD" } });

    const answer = await post("/admin/api/2026-01/graphql.json", { query: "{ shop { name currencyCode myshopifyDomain } }" });

    expect(answer.body.data).toEqual({ shop: { name: "Demo Store", currencyCode: "CAD", myshopifyDomain: "partner-sync-demo.myshopify.com" } });
  });

  it("refuses a call without an access token with Shopify's 401", async () => {
    standIn = await startShopifyAdminStandIn();

    const answer = await post("/admin/api/2026-01/graphql.json", { query: "{ shop { name } }" }, {});

    expect(answer).toEqual({ status: 401, body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" } });
  });

  it("answers a GraphQL error for an invalid global id and for a query it does not know", async () => {
    standIn = await startShopifyAdminStandIn();

    const invalidId = await post("/admin/api/2026-01/graphql.json", { query: productsQuery, variables: { ids: ["7224401100939"] } });
    const unknown = await post("/admin/api/2026-01/graphql.json", { query: "{ customers(first: 1) { nodes { id } } }" });

    expect(invalidId.body.errors).toEqual([{ message: "Invalid global id '7224401100939'", extensions: { code: "argumentLiteralsIncompatible" } }]);
    expect(invalidId.body.data).toBeUndefined();
    expect((unknown.body.errors as { message: string }[])[0]?.message).toContain("answers only");
  });

  it("answers 404 off the GraphQL endpoint", async () => {
    standIn = await startShopifyAdminStandIn();

    expect((await post("/admin/api/2026-01/products.json", {})).status).toBe(404);
  });
});
