// TestFreaks' delivery_date is the delivery's day in the shop's time zone (the
// canonical order carries the zone: app/orders/canonical.ts), not the UTC day.
import { describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify/index";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import { buildCanonicalOrder } from "~/orders/build";
import { testfreaksConnector } from "~/connectors/testfreaks";
import { testfreaksConfigSchema } from "~/connectors/testfreaks/schema";

const config = testfreaksConfigSchema.parse({ apiKey: "sk_live_abc", clientId: "example.com" });

/** The delivered order of the fixtures, marked delivered at `deliveredAt`, planned for a shop in `timeZone`. */
function deliveryDates(deliveredAt: string, timeZone?: string) {
  const result = extractOrderSnapshot(parseJsonLossless(loadFixture("orders-updated.tracking-delivered-usd")));
  if (!result.ok) throw new Error(result.error);
  for (const fulfillment of result.snapshot.fulfillments) fulfillment.updatedAt = deliveredAt;
  const order = buildCanonicalOrder("example.myshopify.com", result.snapshot, timeZone);
  const plan = testfreaksConnector.plan(order, new Map(), config);
  if (plan.kind !== "send") throw new Error(plan.reason);
  return plan.request.order.items.map((item) => item.delivery_date);
}

describe("delivery_date in the shop's time zone", () => {
  it("dates a parcel delivered at 23:30 in Los Angeles that day, not the next (as UTC would)", () => {
    // 2026-03-10T06:30Z is 23:30 on 9 March in Los Angeles (PDT, UTC-7, since 8 March) and 07:30 on 10 March in Paris.
    expect(deliveryDates("2026-03-10T06:30:00Z", "America/Los_Angeles")).toEqual(["2026-03-09", "2026-03-09"]);
    expect(deliveryDates("2026-03-10T06:30:00Z", "Europe/Paris")).toEqual(["2026-03-10", "2026-03-10"]);
    // An hour later it is 00:30 on 10 March in Los Angeles: the zone's daylight saving time counts, not a fixed offset.
    expect(deliveryDates("2026-03-10T07:30:00Z", "America/Los_Angeles")).toEqual(["2026-03-10", "2026-03-10"]);
    // In January (PST, UTC-8) 07:30Z is still the day before.
    expect(deliveryDates("2026-01-15T07:30:00Z", "America/Los_Angeles")).toEqual(["2026-01-14", "2026-01-14"]);
  });

  it("is the UTC day for a shop whose zone is not known", () => {
    expect(deliveryDates("2026-03-10T07:30:00Z")).toEqual(["2026-03-10", "2026-03-10"]);
    expect(deliveryDates("2026-03-09T23:30:00-08:00", "UTC")).toEqual(["2026-03-10", "2026-03-10"]);
  });
});
