// Resync from the admin: the order is re-read from the Admin API (the local
// stand-in), the fresh snapshot kept only when newer, and only then queued. The
// app, its worker, TestFreaks' simulator and the Admin stand-in are all real.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resyncFromShopify, retryFailedForPartner, type ResyncDeps } from "~/admin/resync.server";
import { silentLogger } from "~/logger";
import type { OrderSnapshot } from "~/orders/snapshot";
import { graphqlFromAdmin } from "~/shopify/admin-graphql.server";
import { startWorker, type Worker } from "~/sync/worker.server";
import { customersRedactSchema, redactCustomer } from "~/sync/compliance.server";
import { fixtureNames, loadFixture } from "../fixtures/shopify";
import { productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { startTestfreaksSimulator, type TestfreaksSimulator } from "../simulators/testfreaks";
import { startHarness, TEST_SECRET, type Harness } from "../support/harness";
import { postWebhook, signWebhook } from "../support/webhooks";
import { installShopWithPartners, SHOP } from "../sync/fixtures";

const ORDER_1001 = "5492763623680";

let h: Harness;
let tf: TestfreaksSimulator;
let admin: ShopifyAdminStandIn;
let worker: Worker;
let deps: ResyncDeps;

beforeEach(async () => {
  tf = await startTestfreaksSimulator();
  admin = await startShopifyAdminStandIn({ products: productsFromFixtures(fixtureNames.filter((n) => n.startsWith("orders-")).map(loadFixture)) });
  h = await startHarness({ TESTFREAKS_API_URL: tf.url, SHOPIFY_LOCAL_ADMIN_URL: admin.url });
  await installShopWithPartners(h.ctx.db, h.ctx.keyring, { second: false });
  worker = startWorker(h.ctx.runner, { loop: false });
  // The shop's token as the app keeps it: migrated to an expiring one before any Admin call.
  await h.ctx.offlineAccess.ensure(SHOP);
  const { admin: client } = await h.ctx.shopify.unauthenticated.admin(SHOP);
  deps = { db: h.ctx.db, graphql: graphqlFromAdmin(client), logger: silentLogger };
});
afterEach(async () => {
  await worker.stop();
  await h.close();
  await tf.close();
  await admin.close();
});

/** A webhook Shopify sent, so the Admin stand-in holds the same order. */
async function shopifySends(topic: string, fixture: string) {
  const body = loadFixture(fixture);
  admin.recordWebhook(body);
  const res = await postWebhook(h.url, signWebhook({ topic, shop: SHOP, body, secret: TEST_SECRET }));
  expect(res.status).toBe(200);
}

async function settle() {
  while ((await worker.runDue()) > 0);
}

const job = (orderId = ORDER_1001) => h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, orderId, partner: "testfreaks" } });
const stored = async (orderId = ORDER_1001) => JSON.parse((await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP, orderId } })).payload) as OrderSnapshot;
const posts = () => tf.log.filter((r) => r.method === "POST" && r.path.endsWith("/orders"));
const lastPostedItems = () => (posts().at(-1)!.body as { order: { items: { reviewable: boolean }[] } }).order.items;

describe("resync of one order", () => {
  it("re-reads the order and sends Shopify's newer version when a webhook was lost", async () => {
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await settle();
    expect((await job()).status).toBe("synced");
    expect(lastPostedItems().every((item) => item.reviewable)).toBe(true);

    // The merchant cancelled the order in Shopify; the orders/cancelled webhook never reached us.
    admin.recordWebhook(loadFixture("orders-cancelled.discount-code-cad.derived"));
    expect((await stored()).cancelledAt).toBeNull();
    const versionBefore = (await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP, orderId: ORDER_1001 } })).version;

    const result = await resyncFromShopify(deps, SHOP, ORDER_1001, { force: true });

    expect(result).toMatchObject({ ok: true, queued: 1, refreshed: true, message: "#1001 is queued for 1 partner with the latest data from Shopify." });
    expect((await stored()).cancelledAt).not.toBeNull();
    // A new version: an inbox merge that read the order before cannot write its older copy over this one.
    expect((await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP, orderId: ORDER_1001 } })).version).toBe(versionBefore + 1);
    expect((await job()).status).toBe("pending");
    await settle();
    expect((await job()).status).toBe("synced");
    // What reached TestFreaks is the cancellation, not the stored copy.
    expect(lastPostedItems().every((item) => item.reviewable === false)).toBe(true);
  });

  it("queues nothing when Shopify cannot be read, and says why", async () => {
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await settle();
    const before = await job();
    admin.knobs.failNext = { count: 1, status: 503 };

    const result = await resyncFromShopify(deps, SHOP, ORDER_1001, { force: true });

    expect(result).toEqual({ ok: false, reason: "shopify", message: expect.stringMatching(/^#1001 was not resynced\. Could not read the order from Shopify: Shopify answered HTTP 503/) });
    const after = await job();
    expect([after.status, after.generation, after.lastSentHash]).toEqual(["synced", before.generation, before.lastSentHash]);
    expect(await worker.runDue()).toBe(0);
    expect(posts()).toHaveLength(1);
  });

  it("queues nothing for an order Shopify no longer has", async () => {
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await settle();
    admin.orders.delete(ORDER_1001);

    const result = await resyncFromShopify(deps, SHOP, ORDER_1001);

    expect(result).toMatchObject({ ok: false, reason: "shopify", message: expect.stringMatching(/Shopify no longer has this order/) });
    expect((await job()).status).toBe("synced");
  });

  it("keeps the stored snapshot when Shopify answers an older one, and sends the newer", async () => {
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await shopifySends("orders/cancelled", "orders-cancelled.discount-code-cad.derived");
    await settle();
    const postsBefore = posts().length;
    // A lagging replica answers the pre-cancellation order.
    admin.orders.clear();
    admin.recordWebhook(loadFixture("orders-create.discount-code-cad"));

    const result = await resyncFromShopify(deps, SHOP, ORDER_1001, { force: true });

    expect(result).toMatchObject({ ok: true, refreshed: false });
    expect((await stored()).cancelledAt).not.toBeNull();
    await settle();
    expect(posts().length).toBe(postsBefore + 1);
    expect(lastPostedItems().every((item) => item.reviewable === false)).toBe(true);
  });

  it("sends again on force, and only what changed without it", async () => {
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await settle();

    await resyncFromShopify(deps, SHOP, ORDER_1001);
    await settle();
    expect(posts()).toHaveLength(1);

    await resyncFromShopify(deps, SHOP, ORDER_1001, { force: true });
    await settle();
    expect(posts()).toHaveLength(2);
  });

  it("resyncs one partner, and says so when that partner is not set up", async () => {
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await settle();

    expect(await resyncFromShopify(deps, SHOP, ORDER_1001, { partner: "testfreaks" })).toMatchObject({ ok: true, queued: 1, message: "#1001 is queued for TestFreaks." });
    expect(await resyncFromShopify(deps, SHOP, ORDER_1001, { partner: "reverb" })).toEqual({
      ok: false,
      reason: "nothing_to_sync",
      message: "Reverb is not set up or turned off, so there is nothing to resync.",
    });
  });

  it("never touches another shop's order", async () => {
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await settle();
    const before = await job();

    const result = await resyncFromShopify(deps, "other-shop.myshopify.com", ORDER_1001, { force: true });

    expect(result).toMatchObject({ ok: false, reason: "not_found" });
    expect((await job()).generation).toBe(before.generation);
    expect(admin.log.filter((r) => JSON.stringify(r.body).includes("Order/"))).toHaveLength(0);
  });

  it("keeps a customer erased on request erased, even though Shopify still shows them", async () => {
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await settle();
    const before = await stored();
    await redactCustomer(h.ctx.db, SHOP, customersRedactSchema.parse({ customer: { id: before.customerId, email: before.email }, orders_to_redact: [ORDER_1001] }));
    expect((await stored()).piiRedacted).toBe(true);
    admin.recordWebhook(loadFixture("orders-cancelled.discount-code-cad.derived"));

    expect(await resyncFromShopify(deps, SHOP, ORDER_1001)).toMatchObject({ ok: true, refreshed: true });

    const after = await stored();
    expect(after.cancelledAt).not.toBeNull();
    expect([after.piiRedacted, after.email, after.customer?.firstName, after.shippingAddress]).toEqual([true, null, null, null]);
  });
});

describe("retry all failed for a partner", () => {
  it("re-reads and queues each failed order, settles one Shopify deleted, and leaves the others alone", async () => {
    tf.knobs.failNext = { count: 3, status: 400, body: { errors: ["Invalid item"] } };
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await shopifySends("orders/updated", "orders-updated.tracking-delivered-usd");
    await shopifySends("orders/updated", "orders-updated.eur-fulfilled");
    await settle();
    const failed = await h.ctx.db.syncJob.findMany({ where: { shop: SHOP, status: "failed" } });
    expect(failed).toHaveLength(3);
    const deleted = failed.find((j) => j.orderId !== ORDER_1001)!.orderId;
    admin.orders.delete(deleted);

    const result = await retryFailedForPartner(deps, SHOP, "testfreaks");

    expect(result.queued).toBe(2);
    expect(result.failures).toEqual([{ orderId: deleted, orderName: expect.stringMatching(/^#/), message: expect.stringMatching(/no longer has this order/) }]);
    expect(result.remaining).toBe(0);
    expect(result.message).toBe("2 failed orders queued for TestFreaks. 1 could not be re-read from Shopify.");
    expect((await job(deleted)).status).toBe("skipped");
    await settle();
    const statuses = await h.ctx.db.syncJob.findMany({ where: { shop: SHOP }, select: { orderId: true, status: true } });
    expect(statuses.filter((s) => s.status === "synced")).toHaveLength(2);
  });

  it("stops at the first unavailable answer and reports what is left", async () => {
    tf.knobs.failNext = { count: 2, status: 400, body: { errors: ["Invalid item"] } };
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await shopifySends("orders/updated", "orders-updated.tracking-delivered-usd");
    await settle();
    admin.knobs.failNext = { count: 5, status: 503 };

    const result = await retryFailedForPartner(deps, SHOP, "testfreaks");

    expect(result.queued).toBe(0);
    expect(result.failures).toHaveLength(1);
    expect(result.remaining).toBe(2);
    expect(result.message).toBe("No failed TestFreaks orders were queued. 1 could not be re-read from Shopify. 2 still failed: press Retry again later.");
    expect(await worker.runDue()).toBe(0);
  });

  it("works through a long list in batches, oldest failure first", async () => {
    tf.knobs.failNext = { count: 3, status: 400, body: { errors: ["Invalid item"] } };
    await shopifySends("orders/create", "orders-create.discount-code-cad");
    await shopifySends("orders/updated", "orders-updated.tracking-delivered-usd");
    await shopifySends("orders/updated", "orders-updated.eur-fulfilled");
    await settle();

    const first = await retryFailedForPartner(deps, SHOP, "testfreaks", 2);
    expect([first.queued, first.remaining]).toEqual([2, 1]);
    expect(first.message).toBe("2 failed orders queued for TestFreaks. 1 still failed: press Retry again.");
    const second = await retryFailedForPartner(deps, SHOP, "testfreaks", 2);
    expect([second.queued, second.remaining]).toEqual([1, 0]);
  });
});
