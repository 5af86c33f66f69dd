// TestFreaks mapping, input -> output, on the project's real Shopify payloads
// (test/fixtures/shopify). Decisions pinned here: docs/partners/testfreaks.md "TestFreaks".
import { describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify/index";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { buildCanonicalOrder } from "~/orders/build";
import type { CanonicalOrder, ProductInfo } from "~/orders/canonical";
import { testfreaksConnector } from "~/connectors/testfreaks";
import { testfreaksConfigSchema } from "~/connectors/testfreaks/schema";
import { variantOptionsOf } from "./testfreaks.catalogue";

const config = testfreaksConfigSchema.parse({ apiKey: "sk_live_abc", clientId: "example.com" });
const noProducts: ReadonlyMap<string, ProductInfo> = new Map();

function orderFrom(fixture: string, change?: (snapshot: OrderSnapshot) => void): CanonicalOrder {
  const result = extractOrderSnapshot(parseJsonLossless(loadFixture(fixture)));
  if (!result.ok) throw new Error(`${fixture}: ${result.error}`);
  change?.(result.snapshot);
  return buildCanonicalOrder("example.myshopify.com", result.snapshot);
}

function product(productId: string, fields: Partial<ProductInfo>): [string, ProductInfo] {
  return [productId, { productId, handle: null, title: null, url: null, imageUrl: null, vendor: null, productType: null, ...fields }];
}

const plan = (order: CanonicalOrder, products = noProducts, settings = config) => testfreaksConnector.plan(order, products, settings);

describe("a delivered order (USD, USPS tracking says delivered)", () => {
  const order = orderFrom("orders-updated.tracking-delivered-usd");

  it("sends every line with the carrier's delivery date and the looked-up product details", () => {
    // As the Admin API lookup would answer for the hoodie; the T-shirt was not found.
    const products = new Map([
      product("4806450217009", {
        title: "Unisex Hoodie",
        productType: "Hoodies",
        url: "https://spirit.example/products/unisex-hoodie",
        imageUrl: "https://cdn.shopify.com/s/files/1/hoodie.jpg",
      }),
    ]);

    expect(plan(order, products)).toEqual({
      kind: "send",
      request: {
        order: {
          id: "#23301",
          // first_name "Jane " carries a trailing space in the payload
          customer: { id: "3633178509361", name: "Jane Doe", email: "jane.doe@example.com" },
          items: [
            {
              id: "18500B",
              family_id: "4806450217009",
              name: "Unisex Hoodie",
              category: "Hoodies",
              url: "https://spirit.example/products/unisex-hoodie",
              image_url: "https://cdn.shopify.com/s/files/1/hoodie.jpg",
              // the fulfillment was created 2021-02-17 and marked delivered 2021-02-22
              delivery_date: "2021-02-22",
              reviewable: true,
            },
            {
              id: "5000B",
              family_id: "4806449037361",
              name: "Patterson Elementary School-Unisex T-Shirt",
              delivery_date: "2021-02-22",
              reviewable: true,
            },
          ],
        },
      },
    });
  });

  it("given the setting 'order id', then order.id is the Shopify order id instead of its name", () => {
    const result = plan(order, noProducts, { ...config, orderIdSource: "id" });

    expect(result.kind === "send" && result.request.order.id).toBe("2628173987889");
  });

  it("given one line fully refunded and one partly, then only the fully refunded one stops being reviewable", () => {
    const refunded = orderFrom("orders-updated.tracking-delivered-usd", (snapshot) => {
      snapshot.refunds.push({
        id: "900000000001",
        createdAt: "2021-03-01T10:00:00.000Z",
        lineItems: [
          { lineItemId: "5668979966001", quantity: 1 }, // the hoodie, quantity 1
          { lineItemId: "5668979998769", quantity: 1 }, // one of the two T-shirts
        ],
      });
    });

    const result = plan(refunded);

    expect(result.kind === "send" && result.request.order.items.map(({ id, reviewable }) => ({ id, reviewable }))).toEqual([
      { id: "18500B", reviewable: false },
      { id: "5000B", reviewable: true },
    ]);
  });

  it("given the same SKU on two lines (a second T-shirt with a name print, not shipped yet), then TestFreaks gets one item for it, without the print", () => {
    const twice = orderFrom("orders-updated.tracking-delivered-usd", (snapshot) => {
      const tshirt = snapshot.lineItems[1]!;
      snapshot.lineItems.push({ ...tshirt, id: "5668979998770", quantity: 1, properties: [{ name: "Name on back", value: "Jane" }] });
    });

    const result = plan(twice);

    expect(result.kind === "send" && result.request.order.items).toEqual([
      { id: "18500B", family_id: "4806450217009", name: "Patterson Elementary School-Unisex Hoodie", delivery_date: "2021-02-22", reviewable: true },
      {
        id: "5000B",
        family_id: "4806449037361",
        name: "Patterson Elementary School-Unisex T-Shirt",
        // the delivered line's date: the customer holds one of these already
        delivery_date: "2021-02-22",
        reviewable: true,
      },
    ]);
  });
});

describe("properties: the variant's options from the catalogue, never what the buyer typed", () => {
  // The hoodie's variant as the Admin API look-up answers it (selectedOptions).
  const hoodie = product("4806450217009", { variantOptions: variantOptionsOf("4806450217009") });
  const engraved = orderFrom("orders-updated.tracking-delivered-usd", (snapshot) => {
    snapshot.lineItems[0]!.properties = [
      { name: "Engraving", value: "For Jane, love always" },
      { name: "Gift message", value: "Happy birthday! Call me on 07700 900000" },
      { name: "_is_spiritapp_product", value: "" },
    ];
  });
  const itemsOf = (result: ReturnType<typeof plan>) => (result.kind === "send" ? result.request.order.items : []);

  it("given an engraving and a gift message on the line, and the variant's size and colour from the look-up, then properties hold the size and colour only", () => {
    const items = itemsOf(plan(engraved, new Map([hoodie])));

    expect(items[0]?.properties).toEqual({ Size: "Youth M (size 10/12)", Color: "Navy" });
    expect(JSON.stringify(items)).not.toMatch(/Jane, love|birthday|07700|Engraving|Gift message/);
  });

  it("given a look-up that does not know the variant (or no look-up at all), then no properties are sent, and still nothing the buyer typed", () => {
    const unknownVariant = product("4806450217009", { variantOptions: { "1": [{ name: "Size", value: "S" }] } });

    for (const products of [new Map([unknownVariant]), noProducts]) {
      const items = itemsOf(plan(engraved, products));
      expect(items[0]).not.toHaveProperty("properties");
      expect(JSON.stringify(items)).not.toMatch(/Jane, love|birthday|07700/);
    }
  });

  it("given a product without options (Shopify's Title: Default Title), then no properties are sent", () => {
    const plain = product("4806450217009", { variantOptions: { "32556228804657": [{ name: "Title", value: "Default Title" }] } });

    expect(itemsOf(plan(engraved, new Map([plain])))[0]).not.toHaveProperty("properties");
  });

  it("given items keyed by variant id, then each variant's own options go with it", () => {
    const result = plan(orderFrom("orders-updated.tracking-delivered-usd"), new Map([hoodie]), { ...config, itemIdSource: "variant_id" });

    expect(itemsOf(result).map(({ id, properties }) => ({ id, properties }))).toEqual([
      { id: "32556228804657", properties: { Size: "Youth M (size 10/12)", Color: "Navy" } },
      { id: "32556225757233", properties: undefined },
    ]);
  });
});

describe("a fulfilled order without tracking (EUR, digital products without SKUs)", () => {
  it("dates each item by the fulfillment's creation and keys it by variant id", () => {
    expect(plan(orderFrom("orders-updated.eur-fulfilled"))).toEqual({
      kind: "send",
      request: {
        order: {
          id: "#2672",
          customer: { id: "6837241315477", name: "Jane Doe", email: "jane.doe@example.com" },
          items: [
            { id: "43251835076757", family_id: "7839814287509", name: "CDAA® PRACTICE TEST - LEVEL 1", delivery_date: "2023-09-29", reviewable: true },
            {
              id: "37839027241109",
              family_id: "6354933710997",
              name: "CHARTERED DIGITAL ASSET ANALYST (CDAA)® - LEVEL 1",
              delivery_date: "2023-09-29",
              reviewable: true,
            },
          ],
        },
      },
    });
  });

  it("given the fulfillment was cancelled, then no item has a delivery date", () => {
    const order = orderFrom("orders-updated.eur-fulfilled", (snapshot) => {
      snapshot.fulfillments[0]!.status = "cancelled";
    });

    const result = plan(order);

    expect(result.kind === "send" && result.request.order.items.map((item) => item.delivery_date)).toEqual([undefined, undefined]);
  });
});

describe("an unfulfilled order (CAD shop, two lines with a SKU, three without)", () => {
  const order = orderFrom("orders-create.discount-code-cad");

  it("sends the items without a delivery date, SKU-less lines keyed by their variant id", () => {
    expect(plan(order)).toEqual({
      kind: "send",
      request: {
        order: {
          id: "#1001",
          customer: { id: "7156883718400", name: "Jane Doe", email: "jane.doe+shopifytest@example.com" },
          items: [
            { id: "sku-managed-1", family_id: "8390362562816", name: "The Multi-managed Snowboard", reviewable: true },
            { id: "44320560546048", family_id: "8390362497280", name: "The Compare at Price Snowboard", reviewable: true },
            { id: "sku-hosted-1", family_id: "8390362530048", name: "The 3p Fulfilled Snowboard", reviewable: true },
            { id: "44320560447744", family_id: "8390362366208", name: "The Collection Snowboard: Hydrogen", reviewable: true },
            { id: "44320560873728", family_id: "8390362759424", name: "The Collection Snowboard: Liquid", reviewable: true },
          ],
        },
      },
    });
  });

  it("given the setting 'variant id', then every item is keyed by its variant id", () => {
    const result = plan(order, noProducts, { ...config, itemIdSource: "variant_id" });

    expect(result.kind === "send" && result.request.order.items.map((item) => item.id)).toEqual(["44320560611584", "44320560546048", "44320560578816", "44320560447744", "44320560873728"]);
  });
});

describe("a cancelled order", () => {
  it("Shopify's sample (ids above 2^53): every item goes out with reviewable:false, exact ids, custom lines without a family", () => {
    expect(plan(orderFrom("orders-cancelled.sample"))).toEqual({
      kind: "send",
      request: {
        order: {
          id: "#9999",
          customer: { id: "115310627314723954", name: "John Smith", email: "jon@example.com" },
          items: [
            { id: "SKU2006-001", family_id: "788032119674292922", name: "Aviator sunglasses", reviewable: false },
            { id: "LENS-PROTECT-2YR", name: "Lens Protection Plan (2 Year)", reviewable: false },
            { id: "CASE-LEATHER-PREM", name: "Premium Leather Case", reviewable: false },
            { id: "SKU2006-020", family_id: "788032119674292922", name: "Mid-century lounger", reviewable: false },
            { id: "SKU2006-035", family_id: "788032119674292922", name: "Coffee table", reviewable: false },
          ],
        },
      },
    });
  });

  it("a refunded CAD order whose only line has no SKU: the variant id, reviewable:false", () => {
    expect(plan(orderFrom("orders-cancelled.refunded-cad"))).toEqual({
      kind: "send",
      request: {
        order: {
          id: "#1003",
          customer: { id: "6769171267723", name: "Test Try", email: "jane.doe+tbyb@example.com" },
          items: [{ id: "41739786485899", family_id: "7224401100939", name: "PinkArmchair", reviewable: false }],
        },
      },
    });
  });

  it("given the setting 'variant id' on Shopify's sample, then lines with neither variant nor product are left out and one product's lines merge", () => {
    const result = plan(orderFrom("orders-cancelled.sample"), noProducts, { ...config, itemIdSource: "variant_id" });

    // The sample's three products share one product id and carry no variant id.
    expect(result.kind === "send" && result.request.order.items).toEqual([{ id: "788032119674292922", family_id: "788032119674292922", name: "Aviator sunglasses", reviewable: false }]);
  });
});

describe("a guest order (HKD draft order, no customer account)", () => {
  it("without an email either: skipped, with the reason in plain words", () => {
    expect(plan(orderFrom("orders-create.guest-discount-hkd"))).toEqual({
      kind: "skip",
      reason: "The order has no customer account and no email address, so TestFreaks has no one to invite for a review.",
    });
  });

  it("given the buyer's email on the order, then the email (lower-cased) is the customer id", () => {
    const order = orderFrom("orders-create.guest-discount-hkd", (snapshot) => {
      snapshot.email = "Buyer@Example.com";
    });

    expect(plan(order)).toEqual({
      kind: "send",
      request: {
        order: {
          id: "#1071",
          customer: { id: "buyer@example.com", email: "Buyer@Example.com" },
          items: [
            { id: "50398373085484", family_id: "9782123692332", name: "aaa0103測試商品11aa", reviewable: true },
            { id: "50451770802476", family_id: "9797441945900", name: "Green Snowboard", reviewable: true },
          ],
        },
      },
    });
  });

  it("given only custom lines (no SKU, variant or product), then skipped: nothing to review", () => {
    const order = orderFrom("orders-create.guest-discount-hkd", (snapshot) => {
      snapshot.email = "buyer@example.com";
      for (const line of snapshot.lineItems) Object.assign(line, { sku: null, variantId: null, productId: null });
    });

    expect(plan(order)).toEqual({
      kind: "skip",
      reason: "None of the order's lines has a SKU, a variant or a product (custom items only), so there is nothing to review at TestFreaks.",
    });
  });
});
