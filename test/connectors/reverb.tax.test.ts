// Reverb's subtotal is "before discounts and taxes" (docs/partners/reverb.md): where a
// shop's prices include tax (Shopify taxes_included), the tax comes out of the subtotal
// and the item prices, unless the merchant's setting says their Reverb programme counts
// tax-inclusive amounts. Real payloads (test/fixtures/shopify); the EUR order's VAT lines
// are added in the test, as Shopify sends them for a taxed tax-inclusive order.
import { describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify/index";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { buildCanonicalOrder } from "~/orders/build";
import type { MoneyPair, ProductInfo } from "~/orders/canonical";
import { reverbConnector } from "~/connectors/reverb";
import { reverbConfigSchema } from "~/connectors/reverb/schema";

const config = reverbConfigSchema.parse({
  consumerKey: "ck",
  consumerSecret: "cs",
  websiteUuid: "6f1c2b9e-4d0a-4c1e-9b7a-2f5e8d3c1a00",
  campaignUuid: "0a9d3e7c-58b1-4f2a-8c6d-1e4b7a9f3c20",
});
const SHOP = "tax-shop.myshopify.com";

function snapshotOf(fixture: string, change?: (snapshot: OrderSnapshot) => void): OrderSnapshot {
  const result = extractOrderSnapshot(parseJsonLossless(loadFixture(fixture)));
  if (!result.ok) throw new Error(`${fixture}: ${result.error}`);
  change?.(result.snapshot);
  return result.snapshot;
}

function planOf(snapshot: OrderSnapshot, settings = config) {
  const order = buildCanonicalOrder(SHOP, snapshot);
  const products = new Map<string, ProductInfo>(
    order.lineItems.flatMap((line) =>
      line.productId ? [[line.productId, { productId: line.productId, handle: "p", title: null, url: `https://${SHOP}/products/p`, imageUrl: null, vendor: null, productType: null }] as const] : [],
    ),
  );
  const plan = reverbConnector.plan(order, products, settings);
  if (plan.kind !== "send") throw new Error(plan.reason);
  return plan.request.order;
}

const eur = (amount: string): MoneyPair => ({ shop: { amount, currency: "EUR" }, presentment: { amount, currency: "EUR" } });

describe("the canonical order carries taxes_included and the line taxes", () => {
  it("reads taxes_included from the real payloads, and each line's tax lines with their rates", () => {
    const inclusive = buildCanonicalOrder(SHOP, snapshotOf("orders-create.gbp-presentment"));
    const exclusive = buildCanonicalOrder(SHOP, snapshotOf("orders-create.discount-code-cad"));

    expect(inclusive.taxesIncluded).toBe(true);
    expect(exclusive.taxesIncluded).toBe(false);
    expect(exclusive.lineItems[0]!.taxLines).toEqual([
      { rate: "0.04", amount: { shop: { amount: "25.73", currency: "CAD" }, presentment: { amount: "19.24", currency: "USD" } } },
      { rate: "0.045", amount: { shop: { amount: "28.96", currency: "CAD" }, presentment: { amount: "21.65", currency: "USD" } } },
      { rate: "0.00375", amount: { shop: { amount: "2.41", currency: "CAD" }, presentment: { amount: "1.80", currency: "USD" } } },
    ]);
  });

  it("reads a snapshot stored before these fields were kept as 'not known', sending as before", () => {
    const old = snapshotOf("orders-create.gbp-presentment", (snapshot) => {
      delete snapshot.taxesIncluded;
      for (const line of snapshot.lineItems) delete line.taxLines;
    });
    const order = buildCanonicalOrder(SHOP, old);

    expect(order.taxesIncluded).toBeNull();
    expect(order.lineItems[0]!.taxLines).toEqual([]);
    expect(planOf(old).subtotal).toBe("162.04");
  });
});

describe("Reverb's subtotal for a shop whose prices include tax", () => {
  // The EUR shop's WineSpark 6-pack at 162.04 including 20 % VAT (27.01).
  const withVat = (snapshot: OrderSnapshot) => {
    snapshot.lineItems[0]!.taxLines = [{ rate: "0.2", amount: eur("27.01") }];
  };

  it("takes the VAT out of the subtotal and the item price: 162.04 / 1.2 = 135.03", () => {
    const order = planOf(snapshotOf("orders-create.gbp-presentment", withVat));

    expect(order.subtotal).toBe("135.03");
    expect(order.order_items.map((item) => item.price)).toEqual(["135.03"]);
  });

  it("keeps the tax in when the merchant's Reverb programme counts tax-inclusive amounts (subtotalIncludesTax)", () => {
    const order = planOf(snapshotOf("orders-create.gbp-presentment", withVat), { ...config, subtotalIncludesTax: true });

    expect(order.subtotal).toBe("162.04");
    expect(order.order_items.map((item) => item.price)).toEqual(["162.04"]);
  });

  it("leaves a tax-exclusive shop's amounts as they are (the CAD order's taxes are added on top)", () => {
    const order = planOf(snapshotOf("orders-create.discount-code-cad"));

    expect(order.subtotal).toBe("6118.91");
  });

  it("several taxes on a line add their rates; without rates, the line's tax amounts are spread over its units", () => {
    const twoRates = planOf(
      snapshotOf("orders-create.gbp-presentment", (snapshot) => {
        snapshot.lineItems[0]!.taxLines = [
          { rate: "0.19", amount: eur("25.87") },
          { rate: "0.01", amount: eur("1.36") },
        ];
      }),
    );
    const noRates = planOf(
      snapshotOf("orders-create.gbp-presentment", (snapshot) => {
        snapshot.lineItems[0]!.taxLines = [{ rate: null, amount: eur("27.01") }];
      }),
    );

    expect(twoRates.subtotal).toBe("135.03");
    expect(noRates.subtotal).toBe("135.03");
  });

  it("after a refund of one of two taxed units, the subtotal is the other unit's net price", () => {
    const order = planOf(
      snapshotOf("orders-create.gbp-presentment", (snapshot) => {
        const line = snapshot.lineItems[0]!;
        line.quantity = 2;
        line.taxLines = [{ rate: "0.2", amount: eur("54.01") }];
        snapshot.subtotal = eur("324.08");
        snapshot.refunds = [{ id: "1", createdAt: "2025-01-02T00:00:00Z", lineItems: [{ lineItemId: line.id, quantity: 1 }] }];
      }),
    );

    expect(order.subtotal).toBe("135.03");
    expect(order.order_items).toMatchObject([{ price: "135.03", quantity: "1" }]);
  });
});
