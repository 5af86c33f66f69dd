import { describe, expect, it } from "vitest";
import { buildCanonicalOrder } from "~/orders/build";
import type { CanonicalOrder } from "~/orders/canonical";
import { fixtureBody, snapshotOf } from "./given";

const SHOP = "example-shop.myshopify.com";

function canonicalOf(nameOrBody: string | Record<string, unknown>): CanonicalOrder {
  return buildCanonicalOrder(SHOP, snapshotOf(nameOrBody));
}

const pair = (shop: string, shopCurrency: string, presentment: string, presentmentCurrency: string) => ({
  shop: { amount: shop, currency: shopCurrency },
  presentment: { amount: presentment, currency: presentmentCurrency },
});

describe("buildCanonicalOrder: discount code, shop CAD paid in USD (orders-create.discount-code-cad.json)", () => {
  const order = canonicalOf("orders-create.discount-code-cad.json");

  it("keeps the order header and both currencies", () => {
    expect(order).toMatchObject({
      shop: SHOP,
      id: "5492763623680",
      name: "#1001",
      createdAt: "2024-02-02T20:57:33.000Z",
      financialStatus: "partially_paid",
      test: true,
      shopCurrency: "CAD",
      presentmentCurrency: "USD",
      discountCodes: ["LIQUID15PERCENTOFF"],
      subtotal: pair("6118.91", "CAD", "4575.00", "USD"),
      totalShipping: pair("72.22", "CAD", "54.00", "USD"),
      total: pair("6615.65", "CAD", "4946.41", "USD"),
      customer: {
        id: "7156883718400",
        email: "jane.doe+shopifytest@example.com",
        firstName: "Jane",
        lastName: "Doe",
        phone: null,
      },
    });
  });

  it("takes the 15% code's allocation off the Liquid snowboard in CAD and in USD", () => {
    const liquid = order.lineItems.find((line) => line.title === "The Collection Snowboard: Liquid");

    expect(liquid).toMatchObject({
      id: "13672131395840",
      sku: null,
      quantity: 1,
      unitPrice: pair("765.03", "CAD", "572.00", "USD"),
      unitPriceAfterDiscounts: pair("650.28", "CAD", "486.20", "USD"),
    });
  });

  it("leaves lines without an allocation at their unit price, quantity 2 included", () => {
    const hydrogen = order.lineItems.find((line) => line.title === "The Collection Snowboard: Hydrogen");

    expect(hydrogen).toMatchObject({
      quantity: 2,
      unitPrice: pair("612.56", "CAD", "458.00", "USD"),
      unitPriceAfterDiscounts: pair("612.56", "CAD", "458.00", "USD"),
    });
    expect(order.lineItems.map((line) => line.sku)).toEqual(["sku-managed-1", null, "sku-hosted-1", null, null]);
  });
});

describe("buildCanonicalOrder: guest draft order in HKD (orders-create.guest-discount-hkd.json)", () => {
  const order = canonicalOf("orders-create.guest-discount-hkd.json");

  it("has no customer id, no email (it was empty) and no addresses", () => {
    expect(order.customer).toEqual({ id: null, email: null, firstName: null, lastName: null, phone: null });
    expect(order.shippingAddress).toBeNull();
    expect(order.billingAddress).toBeNull();
  });

  it("subtracts both the code and the automatic discount from the first line", () => {
    expect(order.lineItems.map((line) => [line.title, line.unitPrice.shop, line.unitPriceAfterDiscounts])).toEqual([
      ["aaa0103測試商品11aa", { amount: "99.00", currency: "HKD" }, pair("79.90", "HKD", "79.90", "HKD")],
      ["Green Snowboard", { amount: "100.00", currency: "HKD" }, pair("85.00", "HKD", "85.00", "HKD")],
    ]);
    expect(order.discountCodes).toEqual(["0124D"]);
    expect(order.total).toEqual(pair("186.90", "HKD", "186.90", "HKD"));
  });

  it("gives the guest the order's email when there is one", () => {
    const body = { ...fixtureBody("orders-create.guest-discount-hkd.json"), email: " guest@example.com " };

    expect(canonicalOf(body).customer).toMatchObject({ id: null, email: "guest@example.com" });
  });

  it("builds the same money from the copy without *_set pairs (older payloads)", () => {
    const legacy = canonicalOf("orders-create.guest-discount-hkd.no-money-sets.derived.json");

    expect(legacy.lineItems.map((line) => line.unitPriceAfterDiscounts)).toEqual(order.lineItems.map((line) => line.unitPriceAfterDiscounts));
    expect([legacy.subtotal, legacy.totalShipping, legacy.total]).toEqual([order.subtotal, order.totalShipping, order.total]);
  });
});

describe("buildCanonicalOrder: delivered USD order (orders-updated.tracking-delivered-usd.json)", () => {
  const order = canonicalOf("orders-updated.tracking-delivered-usd.json");

  it("dates delivery at the delivered fulfillment's updated_at", () => {
    expect(order.fulfillments).toEqual([
      {
        id: "2509059358769",
        status: "success",
        shipped: true,
        shipmentStatus: "delivered",
        createdAt: "2021-02-17T22:19:33.000Z",
        deliveredAt: "2021-02-22T22:47:22.000Z",
        trackingNumbers: ["9405511298370124989733"],
        lineItems: [
          { lineItemId: "5668979966001", quantity: 1 },
          { lineItemId: "5668979998769", quantity: 2 },
        ],
      },
    ]);
  });

  it("keeps the variant title and leaves private (_-prefixed) line properties out", () => {
    expect(order.lineItems.map((line) => [line.sku, line.variantTitle, line.properties])).toEqual([
      ["18500B", "Youth M (size 10/12) / Navy", {}],
      ["5000B", "Youth M (size 10/12) / Deep Navy", {}],
    ]);
  });

  it("passes a visible line property through", () => {
    const body = fixtureBody("orders-updated.tracking-delivered-usd.json");
    (body.line_items as Record<string, unknown>[])[0]!.properties = [
      { name: "Student name", value: "Sam" },
      { name: "_is_spiritapp_product", value: "" },
    ];

    expect(canonicalOf(body).lineItems[0]?.properties).toEqual({ "Student name": "Sam" });
  });

  it("trims the customer's first name and fills the shipping address", () => {
    expect(order.customer.firstName).toBe("Jane");
    expect(order.shippingAddress).toEqual({
      firstName: "Jane",
      lastName: "Doe",
      company: null,
      address1: "1 example street",
      address2: "Fremont",
      city: "Fremont",
      province: "California",
      zip: "94555",
      countryCode: "US",
      phone: "5555550100",
    });
  });
});

describe("buildCanonicalOrder: what partners read as refunded and shipped", () => {
  const delivered = snapshotOf("orders-updated.tracking-delivered-usd.json");
  const refund = (id: string, lineItems: { lineItemId: string; quantity: number }[]) => ({ id, createdAt: "2021-02-23T10:00:00.000Z", lineItems });

  it("adds up every refund of a line, never past the line's quantity", () => {
    const order = buildCanonicalOrder(SHOP, {
      ...delivered,
      refunds: [
        refund("1", [{ lineItemId: "5668979998769", quantity: 1 }]),
        refund("2", [
          { lineItemId: "5668979998769", quantity: 1 },
          { lineItemId: "5668979966001", quantity: 3 },
        ]),
      ],
    });

    expect(order.lineItems.map((line) => [line.id, line.quantity, line.refundedQuantity])).toEqual([
      ["5668979966001", 1, 1],
      ["5668979998769", 2, 2],
    ]);
    expect(canonicalOf("orders-updated.tracking-delivered-usd.json").lineItems.map((line) => line.refundedQuantity)).toEqual([0, 0]);
  });

  it("counts a fulfillment as shipped unless it was cancelled or failed", () => {
    const statuses = ["success", "open", "pending", null, "cancelled", "error", "failure"];
    const template = delivered.fulfillments[0]!;
    const order = buildCanonicalOrder(SHOP, {
      ...delivered,
      fulfillments: statuses.map((status, index) => ({ ...template, id: String(index + 1), status })),
    });

    expect(order.fulfillments.map((fulfillment) => [fulfillment.status, fulfillment.shipped])).toEqual([
      ["success", true],
      ["open", true],
      ["pending", true],
      [null, true],
      ["cancelled", false],
      ["error", false],
      ["failure", false],
    ]);
  });
});

describe("buildCanonicalOrder: a fulfillment without carrier delivery (orders-updated.eur-fulfilled.json)", () => {
  it("has no deliveredAt and no tracking", () => {
    expect(canonicalOf("orders-updated.eur-fulfilled.json").fulfillments).toMatchObject([{ id: "4632599167125", status: "success", shipmentStatus: null, deliveredAt: null, trackingNumbers: [] }]);
  });
});

describe("buildCanonicalOrder: shop EUR, paid in GBP (orders-create.gbp-presentment.json)", () => {
  const order = canonicalOf("orders-create.gbp-presentment.json");

  it("carries EUR as shop money and GBP as presentment money", () => {
    expect(order).toMatchObject({
      shopCurrency: "EUR",
      presentmentCurrency: "GBP",
      subtotal: pair("162.04", "EUR", "142.32", "GBP"),
      totalShipping: pair("0.00", "EUR", "0.00", "GBP"),
      total: pair("162.04", "EUR", "142.32", "GBP"),
    });
    expect(order.lineItems).toMatchObject([
      {
        sku: "WS6P25",
        unitPrice: pair("162.04", "EUR", "142.32", "GBP"),
        unitPriceAfterDiscounts: pair("162.04", "EUR", "142.32", "GBP"),
      },
    ]);
  });

  it("turns note attributes into a name -> value record", () => {
    expect(order.noteAttributes).toEqual({
      _barId: "49d36127-1f1a-4e54-8130-d1511863588c",
      _source: "Rebuy",
      _attribution: "Smart Cart 2.0",
      "Terms and Conditions": "Accepted",
    });
  });

  it("keeps the customer's phone", () => {
    expect(order.customer).toEqual({
      id: "10592223560011",
      email: "jane.doe@example.com",
      firstName: "Jane",
      lastName: "Doe",
      phone: "+447700900000",
    });
  });
});

describe("buildCanonicalOrder: cancelled with refunds", () => {
  it("carries the cancellation and the refunded line of orders-cancelled.refunded-cad.json", () => {
    const order = canonicalOf("orders-cancelled.refunded-cad.json");

    expect(order).toMatchObject({
      id: "5095218610315",
      name: "#1003",
      cancelledAt: "2024-01-15T03:30:08.000Z",
      cancelReason: "customer",
      financialStatus: "pending",
      refunds: [
        {
          id: "868405837963",
          createdAt: "2024-01-15T03:30:07.000Z",
          lineItems: [{ lineItemId: "12877840515211", quantity: 1 }],
        },
      ],
    });
    expect(order.lineItems.map((line) => [line.id, line.variantTitle, line.sku])).toEqual([["12877840515211", "not pink", null]]);
  });

  it("carries the refunded HKD order of orders-cancelled.refunded-hkd.json with its blank names as null", () => {
    const order = canonicalOf("orders-cancelled.refunded-hkd.json");

    expect(order).toMatchObject({
      cancelReason: "customer",
      financialStatus: "refunded",
      refunds: [{ id: "982959849772", lineItems: [{ lineItemId: "15515765276972", quantity: 1 }] }],
      customer: { id: "8658316394796", email: "it@example.com", firstName: "Alan", lastName: null },
    });
    expect(order.shippingAddress).toMatchObject({
      address1: null,
      city: null,
      countryCode: "HK",
      phone: "+85200000000",
    });
  });

  it("keeps Shopify's sample ids above 2^53 exact in the canonical order", () => {
    const order = canonicalOf("orders-cancelled.sample.json");

    expect(order.id).toBe("820982911946154508");
    expect(order.customer.id).toBe("115310627314723954");
    expect(order.lineItems.map((line) => line.productId)).toEqual(["788032119674292922", null, null, "788032119674292922", "788032119674292922"]);
  });
});

describe("buildCanonicalOrder is pure", () => {
  it("gives equal orders for the same snapshot and does not change the snapshot", () => {
    const snapshot = snapshotOf("orders-create.discount-code-cad.json");
    const before = JSON.stringify(snapshot);

    expect(buildCanonicalOrder(SHOP, snapshot)).toEqual(buildCanonicalOrder(SHOP, snapshot));
    expect(JSON.stringify(snapshot)).toBe(before);
  });
});
