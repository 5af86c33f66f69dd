// Revers.io mapping on the real Shopify fixtures (test/fixtures/shopify/): webhook
// body -> snapshot -> canonical order -> the ImportOrder plan. Where a fixture
// lacks what a rule needs (a SKU, another currency), the test changes that one
// field of the real body and says so.
import { describe, expect, it } from "vitest";
import { importOrderBody, type ReversioPlanRequest } from "~/connectors/reversio/map";
import { reversioConfigSchema, reversioImportOrderRequestSchema, type ReversioConfig } from "~/connectors/reversio/schema";
import { reversioConnector } from "~/connectors/reversio";
import { buildCanonicalOrder } from "~/orders/build";
import type { CanonicalOrder, ProductInfo } from "~/orders/canonical";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import { loadFixture, orderFixtureNames } from "../fixtures/shopify/index";

const SHOP = "reversio-test.myshopify.com";
const defaults: ReversioConfig = reversioConfigSchema.parse({ subscriptionKey: "key", secretValue: "secret" });
const importOnCreate: ReversioConfig = { ...defaults, importTrigger: "created" };
const noProducts: ReadonlyMap<string, ProductInfo> = new Map();

type Body = Record<string, unknown> & { line_items: Record<string, unknown>[] };

function fixtureBody(name: string, text = loadFixture(name)): Body {
  return parseJsonLossless(text) as Body;
}

function canonical(body: Body): CanonicalOrder {
  const extracted = extractOrderSnapshot(body);
  if (!extracted.ok) throw new Error(`fixture did not parse: ${extracted.error}`);
  return buildCanonicalOrder(SHOP, extracted.snapshot);
}

function planned(body: Body, config: ReversioConfig = defaults, products = noProducts): ReversioPlanRequest {
  const plan = reversioConnector.plan(canonical(body), products, config);
  if (plan.kind !== "send") throw new Error(`expected an import, got skipped: ${plan.reason}`);
  return plan.request;
}

/** The fixture with SKUs given to its lines by position (what a merchant would fix in Shopify). */
function withSkus(name: string, skus: string[]): Body {
  const body = fixtureBody(name);
  body.line_items.forEach((line, index) => {
    if (skus[index] !== undefined) line.sku = skus[index];
  });
  return body;
}

describe("orders-updated.eur-fulfilled: EUR shop and customer, fulfilled, digital goods, no shipping address", () => {
  it("as captured its lines have no SKU, so it is skipped naming them", () => {
    const plan = reversioConnector.plan(canonical(fixtureBody("orders-updated.eur-fulfilled")), noProducts, defaults);

    expect(plan).toEqual({
      kind: "skip",
      reason: 'No line has a SKU, and Revers.io finds each product\'s model by SKU: "CDAA® PRACTICE TEST - LEVEL 1", "CHARTERED DIGITAL ASSET ANALYST (CDAA)® - LEVEL 1"',
    });
  });

  it("once its variants carry SKUs, it is imported (fulfilled) with one product per unit, EUR prices and the billing address", () => {
    const body = withSkus("orders-updated.eur-fulfilled", ["CDAA-PT-L1", "CDAA-L1"]);
    const productInfo: ProductInfo = {
      productId: "6354933710997",
      handle: "cdaa-level-1",
      title: "CHARTERED DIGITAL ASSET ANALYST (CDAA)® - LEVEL 1",
      url: "https://shop.decinstitute.org/products/cdaa-level-1",
      imageUrl: "https://cdn.shopify.com/s/files/cdaa-level-1.png",
      vendor: "DEC Institute",
      productType: "Course",
    };

    const request = planned(body, defaults, new Map([[productInfo.productId, productInfo]]));

    expect(request).toEqual({
      orderReference: "#2672",
      civility: "NotSet",
      customerLastName: "Doe",
      customerFirstName: "Jane",
      // shipping_address is null on this order: the billing address stands in.
      address: { streetAddress: "Examplestrasse 1", zipCode: "8152", city: "Glattpark (Opfikon)", countryCode: "CH" },
      customerMail: "jane.doe@example.com",
      purchaseDateUtc: "2023-09-03T14:19:35.000Z",
      products: [
        {
          orderLineReference: "12575010291861-1",
          price: { amount: 0, currency: "EUR" },
          sku: "CDAA-PT-L1",
          brandName: "DEC Institute",
          label: "CDAA® PRACTICE TEST - LEVEL 1",
          photoUrl: null,
        },
        {
          orderLineReference: "12575010324629-1",
          price: { amount: 437, currency: "EUR" },
          sku: "CDAA-L1",
          brandName: "DEC Institute",
          label: "CHARTERED DIGITAL ASSET ANALYST (CDAA)® - LEVEL 1",
          photoUrl: "https://cdn.shopify.com/s/files/cdaa-level-1.png",
        },
      ],
      shippingPrice: { amount: 0, currency: "EUR" },
      salesChannel: "Shopify",
      linesWithoutSku: [],
    });
  });

  it("with model ids resolved, the body sent is valid against the ImportOrder schema and carries no planning fields", () => {
    const request = planned(withSkus("orders-updated.eur-fulfilled", ["CDAA-PT-L1", "CDAA-L1"]));
    const modelIds = new Map([
      ["CDAA-PT-L1", "5f0c7a9e-1b2d-4c3e-8f4a-6b7c8d9e0f1a"],
      ["CDAA-L1", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"],
    ]);

    const body = importOrderBody(request, modelIds);

    expect(reversioImportOrderRequestSchema.strict().safeParse(body).success).toBe(true);
    expect(body.products).toEqual([
      { modelId: "5f0c7a9e-1b2d-4c3e-8f4a-6b7c8d9e0f1a", price: { amount: 0, currency: "EUR" }, orderLineReference: "12575010291861-1" },
      { modelId: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", price: { amount: 437, currency: "EUR" }, orderLineReference: "12575010324629-1" },
    ]);
    expect(body).not.toHaveProperty("linesWithoutSku");
  });
});

describe("orders-create.gbp-presentment: EUR shop, customer paid in GBP, not fulfilled yet", () => {
  it("with the default trigger (fulfilled) it waits for the fulfillment", () => {
    const plan = reversioConnector.plan(canonical(fixtureBody("orders-create.gbp-presentment")), noProducts, defaults);

    expect(plan).toEqual({ kind: "skip", reason: "Waiting for fulfillment: Revers.io import is set to happen once the order is fulfilled" });
  });

  it("with the trigger set to created it is imported in the shop money (EUR), shipped to the shipping address", () => {
    const request = planned(fixtureBody("orders-create.gbp-presentment"), { ...importOnCreate, storePurchasedAt: "3fa85f64-5717-4562-b3fc-2c963f66afa6" });

    expect(request).toEqual({
      orderReference: "#29448",
      civility: "NotSet",
      customerLastName: "Doe",
      customerFirstName: "Jane",
      address: { streetAddress: "1 EXAMPLE WAY", zipCode: "NR14 7UX", city: "NORWICH", countryCode: "GB", phone: "07700 900000" },
      phoneNumber: "+447700900000",
      customerMail: "jane.doe@example.com",
      purchaseDateUtc: "2025-10-28T15:17:49.000Z",
      products: [
        {
          orderLineReference: "35405307838795-1",
          price: { amount: 162.04, currency: "EUR" },
          sku: "WS6P25",
          brandName: "WineSpark",
          label: "This Is WineSpark 6-pack",
          photoUrl: null,
        },
      ],
      shippingPrice: { amount: 0, currency: "EUR" },
      salesChannel: "Shopify",
      storePurchasedAt: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
      linesWithoutSku: [],
    });
  });

  it("for a shop whose own currency Revers.io does not take (EUR relabelled CHF), the presentment money (GBP) is used", () => {
    const body = fixtureBody("orders-create.gbp-presentment", loadFixture("orders-create.gbp-presentment").replaceAll('"EUR"', '"CHF"'));

    const request = planned(body, importOnCreate);

    expect(request.products.map((p) => p.price)).toEqual([{ amount: 142.32, currency: "GBP" }]);
    expect(request.shippingPrice).toEqual({ amount: 0, currency: "GBP" });
  });

  it("when a price is only known in another currency than the chosen side's, it is skipped rather than sent mixed", () => {
    const order = canonical(fixtureBody("orders-create.gbp-presentment"));
    const [line] = order.lineItems;
    if (!line) throw new Error("fixture has a line");
    const mixed: CanonicalOrder = {
      ...order,
      lineItems: [{ ...line, unitPriceAfterDiscounts: { ...line.unitPriceAfterDiscounts, shop: { amount: "142.32", currency: "GBP" } } }],
    };

    const plan = reversioConnector.plan(mixed, noProducts, importOnCreate);

    expect(plan).toEqual({ kind: "skip", reason: "Revers.io needs every price in EUR, but some of this order's prices are only known in GBP" });
  });

  it("when it was cancelled before the import, it is skipped: Revers.io has no cancel call", () => {
    const body = fixtureBody("orders-create.gbp-presentment");
    body.cancelled_at = "2025-10-28T16:00:00+00:00";
    body.cancel_reason = "customer";

    const plan = reversioConnector.plan(canonical(body), noProducts, importOnCreate);

    expect(plan).toEqual({
      kind: "skip",
      reason: "Order was cancelled (2025-10-28T16:00:00.000Z); Revers.io has no cancel call, so a cancelled order is not imported",
    });
  });
});

describe("orders-create.discount-code-cad relabelled EUR (shop) / GBP (customer): a quantity of 2 and a 15% discount", () => {
  const relabelled = () => fixtureBody("orders-create.discount-code-cad", loadFixture("orders-create.discount-code-cad").replaceAll('"CAD"', '"EUR"').replaceAll('"USD"', '"GBP"'));

  it("as captured, three lines have no SKU: the two that have one are imported and the others are named", () => {
    const request = planned(relabelled(), importOnCreate);

    expect(request.products.map(({ orderLineReference, sku, price }) => ({ orderLineReference, sku, price }))).toEqual([
      { orderLineReference: "13672131264768-1", sku: "sku-managed-1", price: { amount: 643.32, currency: "EUR" } },
      { orderLineReference: "13672131330304-1", sku: "sku-hosted-1", price: { amount: 2682.96, currency: "EUR" } },
    ]);
    expect(request.linesWithoutSku).toEqual(["The Compare at Price Snowboard", "The Collection Snowboard: Hydrogen", "The Collection Snowboard: Liquid"]);
  });

  it("with every line given a SKU, each unit is one product and the discounted line carries its price after the discount", () => {
    const body = relabelled();
    body.line_items.forEach((line, index) => {
      if (line.sku === "") line.sku = `sku-added-${index}`;
    });

    const request = planned(body, importOnCreate);

    expect(request.products.map(({ orderLineReference, sku, price, brandName }) => ({ orderLineReference, sku, amount: price.amount, brandName }))).toEqual([
      { orderLineReference: "13672131264768-1", sku: "sku-managed-1", amount: 643.32, brandName: "Multi-managed Vendor" },
      { orderLineReference: "13672131297536-1", sku: "sku-added-1", amount: 802.48, brandName: "blackcart-matthew-teststore" },
      { orderLineReference: "13672131330304-1", sku: "sku-hosted-1", amount: 2682.96, brandName: "blackcart-matthew-teststore" },
      // quantity 2: two entries, the API has no quantity
      { orderLineReference: "13672131363072-1", sku: "sku-added-3", amount: 612.56, brandName: "Hydrogen Vendor" },
      { orderLineReference: "13672131363072-2", sku: "sku-added-3", amount: 612.56, brandName: "Hydrogen Vendor" },
      // 765.03 less its 15% allocation
      { orderLineReference: "13672131395840-1", sku: "sku-added-4", amount: 650.28, brandName: "Hydrogen Vendor" },
    ]);
    expect(request.shippingPrice).toEqual({ amount: 72.22, currency: "EUR" });
  });

  it("a unit refunded before the import is left out", () => {
    const withRefund = canonical({
      ...relabelled(),
      refunds: [{ id: 1, created_at: "2024-02-03T10:00:00Z", refund_line_items: [{ line_item_id: "13672131264768", quantity: 1 }] }],
    });

    const plan = reversioConnector.plan(withRefund, noProducts, importOnCreate);

    expect(plan.kind === "send" && plan.request.products.map((p) => p.orderLineReference)).toEqual(["13672131330304-1"]);
  });
});

describe("currencies Revers.io does not take", () => {
  it("orders-create.discount-code-cad (CAD shop, USD customer) is skipped naming both currencies", () => {
    const plan = reversioConnector.plan(canonical(fixtureBody("orders-create.discount-code-cad")), noProducts, importOnCreate);

    expect(plan).toEqual({ kind: "skip", reason: "Revers.io accepts EUR or GBP only; this order is in CAD (shop) and USD (customer)" });
  });

  const elsewhere = orderFixtureNames.filter((name) => /cad|usd|hkd|sample/.test(name));
  it("covers every captured order outside EUR/GBP", () => {
    expect(elsewhere).toEqual(expect.arrayContaining(["orders-cancelled.sample.json", "orders-create.guest-discount-hkd.json", "orders-updated.tracking-delivered-usd.json"]));
  });
  it.each(elsewhere)("%s is skipped naming its currency", (name) => {
    const order = canonical(fixtureBody(name));

    const plan = reversioConnector.plan(order, noProducts, importOnCreate);

    expect(plan.kind).toBe("skip");
    expect(plan.kind === "skip" && plan.reason).toContain(`this order is in ${order.shopCurrency}`);
  });
});
