// Reverb mapping, input -> output, on the project's real Shopify payloads
// (test/fixtures/shopify). Decisions pinned here: docs/partners/reverb.md "Reverb".
import { describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify/index";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { buildCanonicalOrder } from "~/orders/build";
import type { CanonicalOrder, ProductInfo } from "~/orders/canonical";
import { reverbConnector } from "~/connectors/reverb";
import { reverbConfigSchema } from "~/connectors/reverb/schema";

const WEBSITE = "6f1c2b9e-4d0a-4c1e-9b7a-2f5e8d3c1a00";
const CAMPAIGN = "0a9d3e7c-58b1-4f2a-8c6d-1e4b7a9f3c20";
const config = reverbConfigSchema.parse({ consumerKey: "ck_live", consumerSecret: "cs_live", websiteUuid: WEBSITE, campaignUuid: CAMPAIGN });

function snapshotOf(fixture: string): OrderSnapshot {
  const result = extractOrderSnapshot(parseJsonLossless(loadFixture(fixture)));
  if (!result.ok) throw new Error(`${fixture}: ${result.error}`);
  return result.snapshot;
}

function orderFrom(fixture: string, shop: string, change?: (snapshot: OrderSnapshot) => void): CanonicalOrder {
  const snapshot = snapshotOf(fixture);
  change?.(snapshot);
  return buildCanonicalOrder(shop, snapshot);
}

function product(productId: string, fields: Partial<ProductInfo>): [string, ProductInfo] {
  return [productId, { productId, handle: null, title: null, url: null, imageUrl: null, vendor: null, productType: null, ...fields }];
}

describe("Reverb plan for an order with a discount code (CAD shop, USD checkout)", () => {
  const shop = "blackcart-matthew-teststore.myshopify.com";
  // As the Admin API lookup would answer: four products published to the online
  // store, one known only by its handle (the lookup found no online store URL).
  const products = new Map([
    product("8390362562816", {
      handle: "the-multi-managed-snowboard",
      url: "https://blackcart-matthew-teststore.myshopify.com/products/the-multi-managed-snowboard",
      imageUrl: "https://cdn.shopify.com/s/files/1/multi-managed.jpg",
    }),
    product("8390362497280", { handle: "the-compare-at-price-snowboard", url: "https://blackcart-matthew-teststore.myshopify.com/products/the-compare-at-price-snowboard" }),
    product("8390362530048", {
      handle: "the-3p-fulfilled-snowboard",
      url: "https://blackcart-matthew-teststore.myshopify.com/products/the-3p-fulfilled-snowboard",
      imageUrl: "https://cdn.shopify.com/s/files/1/3p.jpg",
    }),
    product("8390362366208", { handle: "the-collection-snowboard-hydrogen" }),
    product("8390362759424", { handle: "the-collection-snowboard-liquid", url: "https://blackcart-matthew-teststore.myshopify.com/products/the-collection-snowboard-liquid" }),
  ]);

  it("sends the customer to ensure and the order in the shop currency, before discounts, with the code as coupon_used", () => {
    // Given the real orders/create payload; when it is planned
    const plan = reverbConnector.plan(orderFrom("orders-create.discount-code-cad", shop), products, config);

    // Then: the subtotal is total_line_items_price in CAD (not the USD presentment 4575.00),
    // prices are unit prices before the 15% code, the line of 2 keeps quantity "2".
    expect(plan).toEqual({
      kind: "send",
      request: {
        customer: {
          website_uuid: WEBSITE,
          email: "jane.doe+shopifytest@example.com",
          first_name: "Jane",
          last_name: "Doe",
          customer_id: "7156883718400",
        },
        order: {
          website_uuid: WEBSITE,
          order_number: "#1001",
          subtotal: "6118.91",
          order_items: [
            {
              product_id: "8390362562816",
              price: "643.32",
              quantity: "1",
              product_title: "The Multi-managed Snowboard",
              product_url: "https://blackcart-matthew-teststore.myshopify.com/products/the-multi-managed-snowboard",
              product_image_url: "https://cdn.shopify.com/s/files/1/multi-managed.jpg",
            },
            {
              product_id: "8390362497280",
              price: "802.48",
              quantity: "1",
              product_title: "The Compare at Price Snowboard",
              product_url: "https://blackcart-matthew-teststore.myshopify.com/products/the-compare-at-price-snowboard",
            },
            {
              product_id: "8390362530048",
              price: "2682.96",
              quantity: "1",
              product_title: "The 3p Fulfilled Snowboard",
              product_url: "https://blackcart-matthew-teststore.myshopify.com/products/the-3p-fulfilled-snowboard",
              product_image_url: "https://cdn.shopify.com/s/files/1/3p.jpg",
            },
            {
              product_id: "8390362366208",
              price: "612.56",
              quantity: "2",
              product_title: "The Collection Snowboard: Hydrogen",
              // No online store URL from the lookup: the storefront path of its handle.
              product_url: "https://blackcart-matthew-teststore.myshopify.com/products/the-collection-snowboard-hydrogen",
            },
            {
              product_id: "8390362759424",
              price: "765.03",
              quantity: "1",
              product_title: "The Collection Snowboard: Liquid",
              product_url: "https://blackcart-matthew-teststore.myshopify.com/products/the-collection-snowboard-liquid",
            },
          ],
          coupon_used: "LIQUID15PERCENTOFF",
        },
        cancelled: false,
      },
    });
  });

  it("maps the same order to the same plan every time, with no customer_uuid in it (resolved at push)", () => {
    const first = reverbConnector.plan(orderFrom("orders-create.discount-code-cad", shop), products, config);
    const second = reverbConnector.plan(orderFrom("orders-create.discount-code-cad", shop), products, config);

    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(JSON.stringify(first)).not.toContain("customer_uuid");
  });

  it("joins several discount codes with commas", () => {
    const order = orderFrom("orders-create.discount-code-cad", shop, (snapshot) => {
      snapshot.discountCodes = [...snapshot.discountCodes, "VIP10"];
    });

    const plan = reverbConnector.plan(order, products, config);

    expect(plan.kind === "send" && plan.request.order.coupon_used).toBe("LIQUID15PERCENTOFF,VIP10");
  });

  it("is skipped, naming the product, when a product's page URL cannot be known", () => {
    // Given the Liquid snowboard is not on the online store and the lookup found no handle
    const withoutLiquid = new Map(products);
    withoutLiquid.set(...product("8390362759424", { title: "The Collection Snowboard: Liquid" }));

    const plan = reverbConnector.plan(orderFrom("orders-create.discount-code-cad", shop), withoutLiquid, config);

    // Then nothing is sent: product_url is REQUIRED per item (reverb-orders.txt)
    expect(plan.kind).toBe("skip");
    expect(plan.kind === "skip" && plan.reason).toContain('"The Collection Snowboard: Liquid" (product 8390362759424)');
  });

  it("is skipped as well when the product lookup found nothing at all (deleted product)", () => {
    const withoutHydrogen = new Map([...products].filter(([id]) => id !== "8390362366208"));

    const plan = reverbConnector.plan(orderFrom("orders-create.discount-code-cad", shop), withoutHydrogen, config);

    expect(plan).toEqual({ kind: "skip", reason: expect.stringContaining("(product 8390362366208)") });
  });
});

describe("Reverb plan for cancelled orders", () => {
  it("sends a subtotal of 0.00 and no items for a cancelled order whose only line was refunded", () => {
    const order = orderFrom("orders-cancelled.refunded-cad", "webhook-manager-app.myshopify.com");
    const products = new Map([product("7224401100939", { handle: "pinkarmchair", url: "https://webhook-manager-app.myshopify.com/products/pinkarmchair" })]);

    const plan = reverbConnector.plan(order, products, config);

    expect(plan).toEqual({
      kind: "send",
      request: {
        customer: { website_uuid: WEBSITE, email: "jane.doe+tbyb@example.com", first_name: "Test", last_name: "Try", customer_id: "6769171267723" },
        order: { website_uuid: WEBSITE, order_number: "#1003", subtotal: "0.00", order_items: [] },
        cancelled: true,
      },
    });
  });

  it("keeps the product lines of a cancelled order that had no refund, leaves custom lines out, and still sends 0.00", () => {
    // Shopify's sample: 5 lines, two of them custom (no product id), all by product 788032119674292922 otherwise.
    const order = orderFrom("orders-cancelled.sample", "jsmith.myshopify.com");
    const products = new Map([product("788032119674292922", { handle: "ipod-nano", url: "https://jsmith.myshopify.com/products/ipod-nano" })]);

    const plan = reverbConnector.plan(order, products, config);

    if (plan.kind !== "send") throw new Error(`expected a send plan, got: ${plan.reason}`);
    expect(plan.request.cancelled).toBe(true);
    expect(plan.request.order.subtotal).toBe("0.00");
    expect(plan.request.order.order_items.map((item) => [item.product_title, item.price, item.quantity])).toEqual([
      ["Aviator sunglasses", "89.99", "1"],
      ["Mid-century lounger", "159.99", "1"],
      ["Coffee table", "119.99", "1"],
    ]);
    // The 18-digit id survives exactly (JSON.parse would give ...292900).
    expect(plan.request.order.order_items[0]!.product_id).toBe("788032119674292922");
    expect(plan.request.customer.customer_id).toBe("115310627314723954");
  });
});

describe("Reverb plan after a partial refund", () => {
  it("takes the refunded units off the items and the subtotal", () => {
    // Given the delivered USD order (a hoodie at 28.00 and two T-shirts at 11.00)
    // and a refund of one T-shirt, as a refunds/create would add it
    const order = orderFrom("orders-updated.tracking-delivered-usd", "spirithero.myshopify.com", (snapshot) => {
      snapshot.refunds = [{ id: "900000000001", createdAt: "2021-02-23T10:00:00Z", lineItems: [{ lineItemId: "5668979998769", quantity: 1 }] }];
    });
    const products = new Map([
      product("4806450217009", { handle: "patterson-hoodie", url: "https://spirithero.com/products/patterson-hoodie" }),
      product("4806449037361", { handle: "patterson-tee", url: "https://spirithero.com/products/patterson-tee" }),
    ]);

    const plan = reverbConnector.plan(order, products, config);

    if (plan.kind !== "send") throw new Error(`expected a send plan, got: ${plan.reason}`);
    expect(plan.request.order.subtotal).toBe("39.00");
    expect(plan.request.order.order_items.map((item) => [item.product_id, item.quantity])).toEqual([
      ["4806450217009", "1"],
      ["4806449037361", "1"],
    ]);
    expect(plan.request.customer.first_name).toBe("Jane"); // "Jane " in the payload
  });
});

describe("Reverb plan for a guest order without email", () => {
  it("is skipped with a plain reason", () => {
    const order = orderFrom("orders-create.guest-discount-hkd", "webhook-manager-app.myshopify.com");

    const plan = reverbConnector.plan(order, new Map(), config);

    expect(plan).toEqual({ kind: "skip", reason: "The order has no customer email: Reverb records every order against a customer found by email." });
  });
});

describe("Reverb referral record from the order's note attributes", () => {
  const shop = "winespark.myshopify.com";
  const products = new Map([product("14887237878091", { handle: "this-is-winespark-6-pack", url: "https://winespark.com/products/this-is-winespark-6-pack" })]);
  const withAttributes = (...attributes: { name: string; value: string }[]) =>
    orderFrom("orders-create.gbp-presentment", shop, (snapshot) => {
      snapshot.noteAttributes = [...snapshot.noteAttributes, ...attributes];
    });
  const referralsOf = (order: CanonicalOrder, settings = config) => {
    const plan = reverbConnector.plan(order, products, settings);
    if (plan.kind !== "send") throw new Error(`expected a send plan, got: ${plan.reason}`);
    return plan.request.order.referral_records;
  };

  it("sends no referral record for the real order (its Rebuy attributes name no referrer)", () => {
    expect(referralsOf(orderFrom("orders-create.gbp-presentment", shop))).toBeUndefined();
  });

  it("sends one record with the configured campaign and level 1 when the referrer email attribute is present", () => {
    const order = withAttributes({ name: "reverb_referrer_email", value: " advocate@example.com " });

    expect(referralsOf(order)).toEqual([{ campaign_uuid: CAMPAIGN, level: "1", referrer_email: "advocate@example.com" }]);
  });

  // With settings saved without attribute names (`config`), these read the default ones: reverb_referrer_email, reverb_level.
  it("takes the level from the level attribute", () => {
    const order = withAttributes({ name: "reverb_referrer_email", value: "advocate@example.com" }, { name: "reverb_level", value: "2" });

    expect(referralsOf(order)).toEqual([{ campaign_uuid: CAMPAIGN, level: "2", referrer_email: "advocate@example.com" }]);
  });

  it("reads the attribute names the merchant configured", () => {
    const settings = reverbConfigSchema.parse({ ...config, referrerEmailAttribute: "referred_by", referrerLevelAttribute: "tier" });
    const order = withAttributes({ name: "referred_by", value: "advocate@example.com" }, { name: "tier", value: "3" }, { name: "reverb_referrer_email", value: "other@example.com" });

    expect(referralsOf(order, settings)).toEqual([{ campaign_uuid: CAMPAIGN, level: "3", referrer_email: "advocate@example.com" }]);
  });

  it("leaves out a referrer value that is not an email rather than have the order refused", () => {
    const order = withAttributes({ name: "reverb_referrer_email", value: "my friend Bob" });

    expect(referralsOf(order)).toBeUndefined();
  });
});

describe("Reverb settings", () => {
  it("says which value is wrong, in words, field by field", () => {
    const result = reverbConfigSchema.safeParse({ consumerKey: " ", websiteUuid: "XXXX-XXXX", campaignUuid: `${CAMPAIGN} ${CAMPAIGN}` });

    expect(result.success).toBe(false);
    const messages = Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join("."), issue.message]));
    expect(messages).toEqual({
      consumerKey: expect.stringContaining("Consumer key is required"),
      consumerSecret: "Consumer secret is required",
      websiteUuid: "Website UUID is the documentation's placeholder (XXXX-…): paste your own id (Reverb admin → Website settings)",
      campaignUuid: "Campaign UUID contains spaces or line breaks: paste only the id (Reverb admin → Campaigns)",
    });
  });

  // Reverb prints ids as 8-4-4-4-12 and as 4-4-4-4-4 and promises no shape: only what is certainly no id is refused.
  it.each([
    ["an 8-4-4-4-12 uuid with no RFC 4122 version", "6f1c2b9e-4d0a-0c1e-0b7a-2f5e8d3c1a00"],
    ["the pages' 4-4-4-4-4 shape", "A1B2-C3D4-E5F6-0718-293A"],
    ["upper case with braces", "{6F1C2B9E-4D0A-4C1E-9B7A-2F5E8D3C1A00}"],
    ["a plain number", "482913"],
    ["surrounding spaces (trimmed)", `  ${WEBSITE}  `],
  ])("accepts %s", (_what, value) => {
    expect(reverbConfigSchema.safeParse({ ...config, websiteUuid: value, campaignUuid: value }).success).toBe(true);
  });

  it.each([
    ["empty", "", "Website UUID is required (Reverb admin → Website settings)"],
    ["blank", "   ", "Website UUID is required (Reverb admin → Website settings)"],
    ["absurdly long", "a".repeat(101), "Website UUID is too long for an id (more than 100 characters): paste only the id (Reverb admin → Website settings)"],
    ["a URL", "https://app.reverb.example/websites/6f1c2b9e", "Website UUID contains / ? # % or \\, which no id has: paste only the id, not a URL (Reverb admin → Website settings)"],
  ])("refuses %s, saying why", (_what, value, message) => {
    const result = reverbConfigSchema.safeParse({ ...config, websiteUuid: value });
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([["websiteUuid", message]]);
  });

  it("marks the consumer key and secret as secrets and reads the base URL override", () => {
    expect(reverbConnector.secretKeys).toEqual(["consumerKey", "consumerSecret"]);
    expect(reverbConnector.baseUrl(config, {})).toBe("https://reverbapi.trackstreet.com/api/v1");
    expect(reverbConnector.baseUrl(config, { REVERB_API_URL: "http://127.0.0.1:4010" })).toBe("http://127.0.0.1:4010");
  });
});
