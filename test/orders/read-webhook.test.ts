import { describe, expect, it } from "vitest";
import { extractFulfillment, extractOrderSnapshot } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { loadFixture, orderFixtureNames } from "../fixtures/shopify/index";
import { fixtureBody, snapshotOf } from "./given";

describe("extractOrderSnapshot on every order fixture", () => {
  it("has the captured order fixtures to check (this suite is not vacuous)", () => {
    expect(orderFixtureNames).toEqual(
      expect.arrayContaining([
        "orders-cancelled.refunded-cad.json",
        "orders-cancelled.refunded-hkd.json",
        "orders-cancelled.sample.json",
        "orders-create.discount-code-cad.json",
        "orders-create.gbp-presentment.json",
        "orders-create.guest-discount-hkd.json",
        "orders-updated.eur-fulfilled.json",
        "orders-updated.tracking-delivered-usd.json",
        "orders-create.guest-discount-hkd.no-money-sets.derived.json",
      ]),
    );
  });

  it.each(orderFixtureNames)("parses %s into a snapshot carrying its id, name and every line", (name) => {
    const body = fixtureBody(name);

    const result = extractOrderSnapshot(body);

    expect(result).toMatchObject({ ok: true });
    const snapshot = (result as { snapshot: OrderSnapshot }).snapshot;
    expect(snapshot.orderId).toBe(String(body.id));
    expect(snapshot.orderName).toBe(body.name);
    expect(snapshot.lineItems).toHaveLength((body.line_items as unknown[]).length);
    expect(Date.parse(snapshot.updatedAt)).toBe(Date.parse(body.updated_at as string));
  });

  it.each(orderFixtureNames)("stores %s as plain JSON that reads back identically", (name) => {
    const snapshot = snapshotOf(name);

    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});

describe("ids above 2^53", () => {
  it("survive exactly from Shopify's sample order", () => {
    const snapshot = snapshotOf("orders-cancelled.sample.json");

    expect(snapshot.orderId).toBe("820982911946154508");
    expect(snapshot.customerId).toBe("115310627314723954");
    expect(snapshot.lineItems.map((line) => line.id)).toEqual(["487817672276298554", "789012345678901234", "890123456789012345", "976318377106520349", "315789986012684393"]);
    expect(snapshot.lineItems[0]?.productId).toBe("788032119674292922");
  });

  it("are taken from admin_graphql_api_id when the id itself arrived rounded", () => {
    const body = fixtureBody("orders-cancelled.sample.json");
    body.id = 820982911946154500;
    (body.line_items as Record<string, unknown>[])[3]!.id = 976318377106520300;

    const snapshot = snapshotOf(body);

    expect(snapshot.orderId).toBe("820982911946154508");
    expect(snapshot.lineItems[3]?.id).toBe("976318377106520349");
  });

  it("are refused, not stored rounded, when a rounded number has no GID to correct it", () => {
    const body = fixtureBody("orders-cancelled.sample.json");
    body.id = 820982911946154500;
    delete body.admin_graphql_api_id;

    const result = extractOrderSnapshot(body);

    expect(result).toEqual({
      ok: false,
      error: "id: id above 2^53 arrived as a rounded number; parse the body with parseJsonLossless",
    });
  });

  it("make a body that went through JSON.parse fail on the product ids no GID can restore", () => {
    const roundedBody = JSON.parse(loadFixture("orders-cancelled.sample.json")) as Record<string, unknown>;

    const result = extractOrderSnapshot(roundedBody);

    expect(result).toEqual({
      ok: false,
      error: expect.stringContaining("line_items.0.product_id: id above 2^53 arrived as a rounded number"),
    });
  });

  it("reach the fulfillment's order id from the fulfillments/update sample", () => {
    const result = extractFulfillment(fixtureBody("fulfillments-update.sample.json"));

    expect(result).toMatchObject({ ok: true, orderId: "820982911946154508" });
  });
});

describe("optional parts of an order", () => {
  it("carries a guest draft order with no customer, no addresses and an empty email as nulls", () => {
    const snapshot = snapshotOf("orders-create.guest-discount-hkd.json");

    expect(snapshot).toMatchObject({
      customer: null,
      customerId: null,
      email: null,
      shippingAddress: null,
      billingAddress: null,
    });
    expect(snapshot.lineItems.map((line) => line.sku)).toEqual([null, null]);
  });

  it("takes the buyer email from contact_email when the order email is blank", () => {
    const body = {
      ...fixtureBody("orders-create.guest-discount-hkd.json"),
      email: "",
      contact_email: "buyer@example.com",
    };

    expect(snapshotOf(body).email).toBe("buyer@example.com");
  });

  it("falls back to the plain amounts in the shop currency when the *_set pairs are absent", () => {
    const withSets = snapshotOf("orders-create.guest-discount-hkd.json");
    const withoutSets = snapshotOf("orders-create.guest-discount-hkd.no-money-sets.derived.json");

    expect(withoutSets.lineItems.map((line) => [line.price, line.discountAllocations])).toEqual(withSets.lineItems.map((line) => [line.price, line.discountAllocations]));
    expect(withoutSets.total).toEqual(withSets.total);
    expect(withoutSets.subtotal).toEqual(withSets.subtotal);
    // total_shipping_price_set is gone too: the one shipping line's price stands in.
    expect(withoutSets.totalShipping).toEqual({
      shop: { amount: "22.00", currency: "HKD" },
      presentment: { amount: "22.00", currency: "HKD" },
    });
  });

  it("reads a null sku as no SKU", () => {
    expect(snapshotOf("orders-create.guest-discount-hkd.no-money-sets.derived.json").lineItems[1]?.sku).toBeNull();
  });

  it("trims names, so a stray trailing space does not reach a partner", () => {
    expect(snapshotOf("orders-updated.tracking-delivered-usd.json").customer?.firstName).toBe("Jane");
  });
});

describe("a malformed order body", () => {
  const errorFor = (change: (body: Record<string, unknown>) => void): string => {
    const body = fixtureBody("orders-create.discount-code-cad.json");
    change(body);
    const result = extractOrderSnapshot(body);
    if (result.ok) throw new Error("expected the body to be refused");
    return result.error;
  };

  it("names line_items when it is not an array", () => {
    expect(errorFor((body) => (body.line_items = { id: 1 }))).toBe("line_items: expected an array (a list)");
  });

  it("names id when the order has neither id nor admin_graphql_api_id", () => {
    expect(
      errorFor((body) => {
        delete body.id;
        delete body.admin_graphql_api_id;
      }),
    ).toBe("id: is required");
  });

  it("names the line and field of a quantity sent as text", () => {
    expect(errorFor((body) => ((body.line_items as Record<string, unknown>[])[0]!.quantity = "2"))).toBe("line_items.0.quantity: expected a number");
  });

  it("names every bad field at once", () => {
    const error = errorFor((body) => {
      delete body.name;
      body.currency = "dollars";
      (body.line_items as Record<string, unknown>[])[4]!.price = "12,50";
    });

    expect(error.split("; ")).toEqual(["name: is required", 'currency: expected an ISO 4217 currency code like "EUR"', 'line_items.4.price: expected an amount like "12.50"']);
  });

  it("refuses a body that is not an object", () => {
    expect(extractOrderSnapshot("orders/create")).toEqual({ ok: false, error: "body: expected an object" });
  });
});

describe("fulfillment webhooks", () => {
  it("reads the fulfillments/update sample", () => {
    const result = extractFulfillment(fixtureBody("fulfillments-update.sample.json"));

    expect(result).toEqual({
      ok: true,
      orderId: "820982911946154508",
      updatedAt: "2022-01-01T00:00:00.000Z",
      fulfillment: {
        id: "123456",
        status: "pending",
        shipmentStatus: null,
        createdAt: "2022-01-01T00:00:00.000Z",
        updatedAt: "2022-01-01T00:00:00.000Z",
        trackingNumbers: ["1z827wk74630"],
        lineItems: [
          { lineItemId: "487817672276298554", quantity: 1 },
          { lineItemId: "789012345678901234", quantity: 1 },
          { lineItemId: "890123456789012345", quantity: 1 },
          { lineItemId: "976318377106520349", quantity: 1 },
          { lineItemId: "315789986012684393", quantity: 1 },
        ],
      },
    });
  });

  it("names a missing order_id", () => {
    const body = fixtureBody("fulfillments-update.sample.json");
    delete body.order_id;

    expect(extractFulfillment(body)).toEqual({ ok: false, error: "order_id: is required" });
  });
});
