// The Admin GraphQL order -> OrderSnapshot converter, checked against the real
// webhook fixtures: the same order read through GraphQL must give the snapshot
// the webhook gives.
import { afterEach, describe, expect, it } from "vitest";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import { graphqlFromAdmin } from "~/shopify/admin-graphql.server";
import { readOrderFromShopify } from "~/shopify/order-graphql.server";
import { ORDER_FOR_SYNC_QUERY } from "~/shopify/order-query";
import { snapshotFromGraphqlOrder } from "~/shopify/order-translate";
import { loadFixture, orderFixtureNames } from "../fixtures/shopify";
import { orderNodeFromWebhook, ordersFromWebhooks, shopifyThrottledBody, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";

/** What crosses the wire: the stand-in's node as JSON, read back as JSON. */
const overTheWire = (node: unknown): unknown => JSON.parse(JSON.stringify(node));

describe("snapshotFromGraphqlOrder", () => {
  it.each(orderFixtureNames)("gives for %s the snapshot its webhook gives", (name) => {
    const text = loadFixture(name);
    const fromWebhook = extractOrderSnapshot(parseJsonLossless(text));
    if (!fromWebhook.ok) throw new Error(fromWebhook.error);

    const fromGraphql = snapshotFromGraphqlOrder(overTheWire(orderNodeFromWebhook(text)));

    expect(fromGraphql).toEqual({ ok: true, snapshot: fromWebhook.snapshot });
  });

  it("keeps ids above 2^53 exact (Shopify's sample order and its lines)", () => {
    const result = snapshotFromGraphqlOrder(overTheWire(orderNodeFromWebhook(loadFixture("orders-cancelled.sample"))));
    if (!result.ok) throw new Error(result.error);
    expect(result.snapshot.orderId).toBe("820982911946154508");
    expect(result.snapshot.lineItems.map((l) => l.id)).toContain("487817672276298554");
  });

  it("reads delivery and tracking from the fulfillment's display status and tracking info", () => {
    const result = snapshotFromGraphqlOrder(overTheWire(orderNodeFromWebhook(loadFixture("orders-updated.tracking-delivered-usd"))));
    if (!result.ok) throw new Error(result.error);
    expect(result.snapshot.fulfillments[0]).toMatchObject({ status: "success", shipmentStatus: "delivered" });
    expect(result.snapshot.fulfillments[0]!.trackingNumbers.length).toBeGreaterThan(0);
  });

  it("refuses an order whose lines do not fit one page rather than storing part of it", () => {
    const node = overTheWire(orderNodeFromWebhook(loadFixture("orders-create.discount-code-cad"))) as { lineItems: { pageInfo: { hasNextPage: boolean } } };
    node.lineItems.pageInfo.hasNextPage = true;
    expect(snapshotFromGraphqlOrder(node)).toEqual({ ok: false, error: expect.stringMatching(/more than 250 lines/) });
  });

  it("names the field when the answer is not an order", () => {
    const node = overTheWire(orderNodeFromWebhook(loadFixture("orders-create.discount-code-cad"))) as Record<string, unknown>;
    delete node.totalPriceSet;
    expect(snapshotFromGraphqlOrder(node)).toEqual({ ok: false, error: expect.stringMatching(/totalPriceSet/) });
  });
});

describe("readOrderFromShopify against the Admin API stand-in", () => {
  let standIn: ShopifyAdminStandIn | undefined;
  afterEach(async () => standIn?.close());

  const client = () =>
    graphqlFromAdmin({
      graphql: (query, options) =>
        fetch(`${standIn!.url}/admin/api/2026-10/graphql.json`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-shopify-access-token": "shpat_test" },
          body: JSON.stringify({ query, variables: options?.variables }),
        }),
    });

  it("answers the order Shopify holds after the webhooks it sent, fulfillment merged", async () => {
    standIn = await startShopifyAdminStandIn({ orders: ordersFromWebhooks([loadFixture("orders-create.gbp-presentment")]) });
    standIn.recordWebhook(loadFixture("fulfillments-create.gbp-presentment.derived"));

    const read = await readOrderFromShopify(client(), "11985328570699");

    if (!read.ok) throw new Error(read.message);
    expect(read.snapshot.orderName).toBe("#29448");
    expect(read.snapshot.fulfillments).toHaveLength(1);
    // Shopify moves the order's updated_at when a fulfillment is created.
    expect(read.snapshot.updatedAt).toBe("2025-10-31T14:40:00.000Z");
  });

  it("tells an order Shopify does not have, a throttled query and an unreachable API apart", async () => {
    standIn = await startShopifyAdminStandIn();
    expect(await readOrderFromShopify(client(), "1")).toMatchObject({ ok: false, reason: "not_found" });

    standIn.knobs.failNext = { count: 1, status: 200, body: shopifyThrottledBody() };
    expect(await readOrderFromShopify(client(), "1")).toMatchObject({ ok: false, reason: "unavailable", message: expect.stringMatching(/slow down/) });

    const url = standIn.url;
    await standIn.close();
    standIn = undefined;
    const unreachable = graphqlFromAdmin({ graphql: () => fetch(`${url}/admin/api/2026-10/graphql.json`, { method: "POST" }) });
    expect(await readOrderFromShopify(unreachable, "1")).toMatchObject({ ok: false, reason: "unavailable", message: expect.stringMatching(/^Could not read the order from Shopify/) });
  });

  it("reads the Response that authenticate.admin's client throws for an HTTP error as Shopify's status", async () => {
    // shopify-app-remix's request-bound client throws a copy of Shopify's answer, not an Error.
    const throwing = graphqlFromAdmin({ graphql: () => Promise.reject(new Response('{"errors":"Service Unavailable"}', { status: 503 })) });
    expect(await readOrderFromShopify(throwing, "1")).toEqual({ ok: false, reason: "unavailable", message: "Could not read the order from Shopify: Shopify answered HTTP 503" });
  });

  it("asks exactly for an Order GID with the query the converter reads", async () => {
    standIn = await startShopifyAdminStandIn({ orders: ordersFromWebhooks([loadFixture("orders-create.discount-code-cad")]) });
    await readOrderFromShopify(client(), "5492763623680");
    expect(standIn.log).toHaveLength(1);
    expect(standIn.log[0]!.body).toEqual({ query: ORDER_FOR_SYNC_QUERY, variables: { id: "gid://shopify/Order/5492763623680" } });
  });
});
