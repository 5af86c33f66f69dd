import { describe, expect, it } from "vitest";
import { buildCanonicalOrder } from "~/orders/build";
import { mergeFulfillment } from "~/orders/merge";
import { sampleFulfillment, snapshotOf } from "./given";

describe("mergeFulfillment (fulfillments/* webhooks)", () => {
  it("inserts a fulfillment the order does not have yet", () => {
    const order = snapshotOf("orders-cancelled.sample.json");
    expect(order.fulfillments).toEqual([]);

    const merged = mergeFulfillment(order, sampleFulfillment());

    expect(merged.fulfillments).toEqual([sampleFulfillment()]);
    expect(merged.updatedAt).toBe(order.updatedAt);
    expect(order.fulfillments).toEqual([]);
  });

  it("replaces the stored fulfillment with a newer one of the same id", () => {
    const order = mergeFulfillment(snapshotOf("orders-cancelled.sample.json"), sampleFulfillment());
    const delivered = {
      ...sampleFulfillment(),
      status: "success",
      shipmentStatus: "delivered",
      updatedAt: "2022-01-04T15:30:00.000Z",
    };

    const merged = mergeFulfillment(order, delivered);

    expect(merged.fulfillments).toEqual([delivered]);
    expect(buildCanonicalOrder("shop.myshopify.com", merged).fulfillments[0]?.deliveredAt).toBe("2022-01-04T15:30:00.000Z");
  });

  it("ignores a fulfillment older than the stored one (a late retry)", () => {
    const delivered = { ...sampleFulfillment(), shipmentStatus: "delivered", updatedAt: "2022-01-04T15:30:00.000Z" };
    const order = mergeFulfillment(snapshotOf("orders-cancelled.sample.json"), delivered);

    const merged = mergeFulfillment(order, sampleFulfillment());

    expect(merged).toBe(order);
    expect(merged.fulfillments).toEqual([delivered]);
  });

  it("adds a second fulfillment next to the ones the order webhook brought", () => {
    const order = snapshotOf("orders-updated.tracking-delivered-usd.json");

    const merged = mergeFulfillment(order, sampleFulfillment());

    expect(merged.fulfillments.map((fulfillment) => fulfillment.id)).toEqual(["2509059358769", "123456"]);
  });
});
