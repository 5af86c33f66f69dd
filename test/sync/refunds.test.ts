// refunds/create: a partial refund reaches the partners on its own, without an
// orders/updated. Given order #1001 synced to Reverb and TestFreaks, when both
// units of one line are refunded, then TestFreaks no longer invites reviews for
// that line and Reverb's subtotal drops by what those units cost.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reverbConnector } from "~/connectors/reverb";
import { testfreaksConnector } from "~/connectors/testfreaks";
import { parseJsonLossless } from "~/orders/json";
import { extractRefund } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { installShopLocally } from "~/shopify/install.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { validateDelivery } from "~/sync/ingest.server";
import { startWorker, type Worker } from "~/sync/worker.server";
import { fixtureNames, loadFixture } from "../fixtures/shopify";
import { REVERB_SIM_DEFAULTS, startReverbSimulator, type ReverbSimulator } from "../simulators/reverb";
import { productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { startTestfreaksSimulator, TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID, type TestfreaksSimulator } from "../simulators/testfreaks";
import { startHarness, TEST_SECRET, type Harness } from "../support/harness";
import { postWebhook, signWebhook } from "../support/webhooks";

const SHOP = "refunds.myshopify.com";
const ORDER_ID = "5492763623680"; // #1001
const REFUNDED_LINE = "13672131363072"; // The Collection Snowboard: Hydrogen, 2 x 612.56 CAD
const REFUND = "refunds-create.discount-code-cad.derived";

let h: Harness;
let reverb: ReverbSimulator;
let tf: TestfreaksSimulator;
let admin: ShopifyAdminStandIn;
let worker: Worker;

beforeEach(async () => {
  [reverb, tf, admin] = await Promise.all([
    startReverbSimulator(),
    startTestfreaksSimulator(),
    startShopifyAdminStandIn({ products: productsFromFixtures(fixtureNames.filter((n) => n.startsWith("orders-")).map(loadFixture)) }),
  ]);
  h = await startHarness({ REVERB_API_URL: reverb.url, TESTFREAKS_API_URL: tf.url, SHOPIFY_LOCAL_ADMIN_URL: admin.url });
  await installShopLocally(h.ctx.db, SHOP);
  for (const [connector, settings] of [
    [reverbConnector, REVERB_SIM_DEFAULTS],
    [testfreaksConnector, { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID }],
  ] as const) {
    const saved = await savePartnerConfig(h.ctx.db, h.ctx.keyring, SHOP, connector, { ...settings });
    if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  }
  worker = startWorker(h.ctx.runner, { loop: false });
});
afterEach(async () => {
  await worker.stop();
  await h.close();
  await Promise.all([reverb.close(), tf.close(), admin.close()]);
});

const send = async (topic: string, body: string) => {
  const res = await postWebhook(h.url, signWebhook({ topic, shop: SHOP, body, secret: TEST_SECRET }));
  expect(res.status).toBe(200);
  return res.text();
};
const settle = async () => {
  while ((await worker.runDue()) > 0);
};
const reverbOrder = () => [...reverb.state.orders.values()].find((o) => o.order_number === "#1001")!;
const tfItems = () => tf.state.orders.find((o) => o.clientId === TESTFREAKS_SIM_CLIENT_ID)!.items;
const storedRefunds = async () => (JSON.parse((await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP, orderId: ORDER_ID } })).payload) as OrderSnapshot).refunds;

describe("refunds/create", () => {
  it("keeps only the refund's id, date and lines: not its transactions (card details)", () => {
    const delivery = validateDelivery("refunds/create", parseJsonLossless(loadFixture("refunds-create.cad-usd")));
    expect(delivery).toEqual({
      ok: true,
      orderId: "4182097789057",
      payload: JSON.stringify({ id: "829190242433", createdAt: "2024-03-09T09:46:16.000Z", lineItems: [{ lineItemId: "10957452378241", quantity: 2 }] }),
    });
    expect(delivery.ok && delivery.payload).not.toMatch(/4242|Jane|visa/);
    expect(validateDelivery("refunds/create", { id: 1, created_at: "2024-03-09T04:46:16-05:00" })).toEqual({ ok: false, error: "order_id: is required" });
  });

  it("a partial refund withdraws the refunded line's review invitation and lowers Reverb's subtotal, with no orders/updated", async () => {
    await send("orders/create", loadFixture("orders-create.discount-code-cad"));
    await settle();
    const before = structuredClone(reverbOrder());
    expect(tfItems().every((item) => item.reviewable)).toBe(true);
    expect(before.order_items.find((i) => i.product_title === "The Collection Snowboard: Hydrogen")?.quantity).toBe("2");

    expect(await send("refunds/create", loadFixture(REFUND))).toBe("accepted");
    await settle();

    const after = reverbOrder();
    expect(after.order_uuid).toBe(before.order_uuid);
    expect(after.updates).toBe(before.updates + 1);
    expect(Number(before.subtotal) - Number(after.subtotal)).toBeCloseTo(2 * 612.56, 2);
    expect(after.order_items.map((i) => i.product_title)).not.toContain("The Collection Snowboard: Hydrogen");
    const refunded = tfItems().filter((item) => !item.reviewable);
    expect(refunded).toHaveLength(1);
    expect(tfItems().filter((item) => item.reviewable)).toHaveLength(tfItems().length - 1);
    expect(await storedRefunds()).toEqual([{ id: "829190242433", createdAt: "2024-03-09T09:46:16.000Z", lineItems: [{ lineItemId: REFUNDED_LINE, quantity: 2 }] }]);
  });

  it("is idempotent by refund id: the same refund delivered again changes nothing and sends nothing", async () => {
    await send("orders/create", loadFixture("orders-create.discount-code-cad"));
    await send("refunds/create", loadFixture(REFUND));
    await settle();
    const updates = reverbOrder().updates;
    const attempts = await h.ctx.db.syncAttempt.count({ where: { shop: SHOP } });

    // The same refund again under a new event id (Shopify retried after a lost answer, or a second subscription).
    expect(await send("refunds/create", loadFixture(REFUND))).toBe("accepted");
    await settle();
    expect(await storedRefunds()).toHaveLength(1);
    const events = await h.ctx.db.webhookEvent.findMany({ where: { shop: SHOP, topic: "refunds/create" }, select: { outcome: true } });
    expect(events.map((e) => e.outcome).sort()).toEqual(["recorded", "stale"]);
    expect(reverbOrder().updates).toBe(updates);
    // No job was even queued: the merged order did not change.
    expect(await h.ctx.db.syncAttempt.count({ where: { shop: SHOP } })).toBe(attempts);
  });

  it("a refund for an order not known yet waits for it, then both reach the partners as one", async () => {
    await send("refunds/create", loadFixture(REFUND));
    await h.ctx.inbox.drain();
    expect(await h.ctx.db.orderSnapshot.count({ where: { shop: SHOP } })).toBe(0);
    expect((await h.ctx.db.webhookEvent.findFirstOrThrow({ where: { shop: SHOP, topic: "refunds/create" } })).outcome).toBe("waiting_for_order");

    await send("orders/create", loadFixture("orders-create.discount-code-cad"));
    await settle();

    expect(await storedRefunds()).toHaveLength(1);
    expect(reverb.state.orders.size).toBe(1);
    expect(reverbOrder().updates).toBe(0);
    expect(tfItems().filter((item) => !item.reviewable)).toHaveLength(1);
  });

  it("the Admin API stand-in holds a refund it was told of, as Shopify does (a resync or reconciliation reads it)", () => {
    admin.recordWebhook(loadFixture("orders-create.discount-code-cad"));
    admin.recordWebhook(loadFixture(REFUND));
    const held = admin.orders.get(ORDER_ID)!;
    expect(held.refunds.map((r) => r.id)).toEqual(["gid://shopify/Refund/829190242433"]);
    expect(held.fulfillments).toEqual([]);
    expect(held.updatedAt).toBe("2024-03-09T09:46:16Z");
  });

  it("an older orders/* delivery merged after the refund does not drop it", async () => {
    const order = loadFixture("orders-create.discount-code-cad");
    await send("orders/create", order);
    await send("refunds/create", loadFixture(REFUND));
    await h.ctx.inbox.drain();
    // An orders/updated from after the order's creation but written before the refund reached it.
    await send("orders/updated", order.replace(/"updated_at": "[^"]*"/, '"updated_at": "2024-02-03T10:00:00-05:00"'));
    await h.ctx.inbox.drain();
    const refund = extractRefund(parseJsonLossless(loadFixture(REFUND)));
    expect(refund.ok && (await storedRefunds()).map((r) => r.id)).toEqual([refund.ok && refund.refund.id]);
  });
});
