// The webhook inbox as production runs it: the answer follows the durable
// append, the merge into the order follows the answer. Concurrency and
// disorder must neither lose a delivery nor let an older state win.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAppContext } from "~/context.server";
import { silentLogger } from "~/logger";
import { extractFulfillment } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { parseJsonLossless } from "~/orders/json";
import { validateDelivery } from "~/sync/ingest.server";
import { createDb } from "~/db.server";
import { loadFixture } from "../fixtures/shopify";
import { startHarness, TEST_SECRET, testEnv, type Harness } from "../support/harness";
import { postWebhook, signWebhook } from "../support/webhooks";
import { installShopWithPartners, SHOP, withUpdatedAt } from "./fixtures";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({}, { mergeBeforeAnswer: false });
  await installShopWithPartners(h.ctx.db, h.ctx.keyring);
});
afterEach(async () => h.close());

const send = (topic: string, body: string, url = h.url) => postWebhook(url, signWebhook({ topic, shop: SHOP, body, secret: TEST_SECRET }));
const snapshot = async () => JSON.parse((await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP } })).payload) as OrderSnapshot;
const ORDER = "orders-updated.tracking-delivered-usd";
const FULFILLMENT = "fulfillments-update.sample";

describe("the webhook inbox", () => {
  it("answers once the delivery is durably appended; the merge into the order and the jobs follow", async () => {
    const res = await send("orders/create", loadFixture("orders-create.discount-code-cad"));
    expect([res.status, await res.text()]).toEqual([200, "accepted"]);
    const row = await h.ctx.db.webhookEvent.findFirstOrThrow({ where: { shop: SHOP } });
    expect(JSON.parse(row.payload!)).toMatchObject({ orderName: "#1001" });

    await h.ctx.inbox.drain();

    expect((await h.ctx.db.webhookEvent.findFirstOrThrow({ where: { id: row.id } })).outcome).toBe("recorded");
    expect((await snapshot()).orderName).toBe("#1001");
    expect(await h.ctx.db.syncJob.count({ where: { shop: SHOP } })).toBe(2);
  });

  it("orders/create and orders/updated of a new order arriving together, merged by two processes at once: no delivery lost, the newer state wins", async () => {
    const created = withUpdatedAt(loadFixture(ORDER), "2026-11-01T10:00:00Z");
    const updated = withUpdatedAt(loadFixture(ORDER).replace('"note": null', '"note": "gift wrap"'), "2026-11-01T10:05:00Z");
    // A second process on the same store: its own client and its own inbox.
    const other = createAppContext(testEnv({ DATABASE_URL: h.store.url }), { db: createDb(h.store.url) });
    other.logger = silentLogger;
    try {
      const answers = await Promise.all([send("orders/updated", updated), send("orders/create", created)]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      await Promise.all([h.ctx.inbox.drain(), other.inbox.drain(), h.ctx.inbox.drain()]);
    } finally {
      await other.db.$disconnect();
    }

    const events = await h.ctx.db.webhookEvent.findMany({ where: { shop: SHOP } });
    expect(events.map((e) => e.topic).sort()).toEqual(["orders/create", "orders/updated"]);
    expect(events.every((e) => e.processedAt !== null)).toBe(true);
    expect((await snapshot()).updatedAt).toBe("2026-11-01T10:05:00.000Z");
  });

  it("at equal updated_at the later state wins whatever the arrival order: updated over create, cancelled over updated", async () => {
    const at = "2026-11-02T09:00:00Z";
    const cancelled = withUpdatedAt(loadFixture(ORDER), at).replace('"cancelled_at": null', '"cancelled_at": "2026-11-02T09:00:00Z"');
    expect(cancelled).toContain('"cancelled_at": "2026-11-02T09:00:00Z"');
    for (const [topic, body] of [
      ["orders/cancelled", cancelled],
      ["orders/updated", withUpdatedAt(loadFixture(ORDER), at)],
      ["orders/create", withUpdatedAt(loadFixture(ORDER), at)],
    ] as const) {
      await send(topic, body);
      await h.ctx.inbox.drain();
    }
    expect((await snapshot()).cancelledAt).toBe("2026-11-02T09:00:00.000Z");
    const outcomes = await h.ctx.db.webhookEvent.findMany({ where: { shop: SHOP }, orderBy: { receivedAt: "asc" }, select: { topic: true, outcome: true } });
    expect(outcomes).toEqual([
      { topic: "orders/cancelled", outcome: "recorded" },
      { topic: "orders/updated", outcome: "stale" },
      { topic: "orders/create", outcome: "stale" },
    ]);
  });

  it("a fulfillment that overtakes its order waits in the inbox and is merged when the order arrives", async () => {
    const fulfillment = loadFixture(FULFILLMENT);
    const parsed = extractFulfillment(parseJsonLossless(fulfillment));
    if (!parsed.ok) throw new Error(parsed.error);
    const orderId = parsed.orderId;
    const order = loadFixture(ORDER).replace(/"id": \d+,\s*"admin_graphql_api_id": "gid:\/\/shopify\/Order\/\d+"/, `"id": ${orderId}, "admin_graphql_api_id": "gid://shopify/Order/${orderId}"`);
    expect(order).toContain(`gid://shopify/Order/${orderId}`);

    expect((await send("fulfillments/update", fulfillment)).status).toBe(200);
    await h.ctx.inbox.drain();
    expect(await h.ctx.db.orderSnapshot.count()).toBe(0);
    expect((await h.ctx.db.webhookEvent.findFirstOrThrow({ where: { topic: "fulfillments/update" } })).outcome).toBe("waiting_for_order");

    await send("orders/create", order);
    await h.ctx.inbox.drain();

    expect((await snapshot()).fulfillments.map((f) => f.id)).toContain(parsed.fulfillment.id);
    const rows = await h.ctx.db.webhookEvent.findMany({ where: { shop: SHOP }, select: { topic: true, outcome: true, processedAt: true } });
    expect(rows.every((r) => r.processedAt !== null && r.outcome === "recorded")).toBe(true);
  });

  it("many deliveries at once are each answered after their own append, and all are stored", async () => {
    const bodies = Array.from({ length: 40 }, (_, i) =>
      loadFixture(ORDER)
        .replace(/"name": "#23301"/, `"name": "#B${i}"`)
        .replace(/"id": 2628173987889/, `"id": ${3000000000 + i}`)
        .replace(/Order\/2628173987889/, `Order/${3000000000 + i}`),
    );
    const answers = await Promise.all(bodies.map((body) => send("orders/create", body)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(await h.ctx.db.webhookEvent.count({ where: { shop: SHOP } })).toBe(40);
    await h.ctx.inbox.drain();
    expect(await h.ctx.db.orderSnapshot.count({ where: { shop: SHOP } })).toBe(40);
  });

  it("an order with more deliveries waiting than one SQLite statement takes parameters (999) is merged whole", async () => {
    // Redeliveries of one order pile up while nothing merges (a web process with no merge between them).
    const delivery = validateDelivery("orders/updated", parseJsonLossless(loadFixture(ORDER)));
    if (!delivery.ok) throw new Error(delivery.error);
    const outcomes = await Promise.all(
      Array.from({ length: 1_200 }, (_, i) => h.ctx.inbox.append({ shop: SHOP, eventId: `pile-${i}`, topic: "orders/updated", orderId: delivery.orderId, payload: delivery.payload })),
    );
    expect(new Set(outcomes)).toEqual(new Set(["accepted"]));

    await h.ctx.inbox.drain();

    expect(await h.ctx.db.webhookEvent.count({ where: { shop: SHOP, processedAt: null } })).toBe(0);
    expect(await h.ctx.db.webhookEvent.count({ where: { shop: SHOP, outcome: "recorded" } })).toBe(1);
    expect(await h.ctx.db.syncJob.count({ where: { shop: SHOP } })).toBe(2);
  });
});
