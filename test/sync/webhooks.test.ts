import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify";
import { startHarness, TEST_SECRET, type Harness } from "../support/harness";
import { postWebhook, signWebhook } from "../support/webhooks";
import { installShopWithPartners, SHOP, withUpdatedAt } from "./fixtures";
import { readCapped } from "~/sync/webhook.server";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await installShopWithPartners(h.ctx.db, h.ctx.keyring);
});
afterEach(async () => h.close());

const send = (topic: string, body: string, extra: { eventId?: string; secret?: string } = {}) =>
  postWebhook(h.url, signWebhook({ topic, shop: SHOP, body, secret: extra.secret ?? TEST_SECRET, eventId: extra.eventId }));

describe("order webhooks", () => {
  it("given a signed orders/create, records the event, the snapshot and one pending job per enabled partner", async () => {
    const res = await send("orders/create", loadFixture("orders-create.discount-code-cad"));

    expect(res.status).toBe(200);
    const { db } = h.ctx;
    expect(await db.webhookEvent.count()).toBe(1);
    const snapshot = await db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP } });
    expect(snapshot.orderName).toBe("#1001");
    const jobs = await db.syncJob.findMany({ where: { shop: SHOP }, orderBy: { partner: "asc" } });
    expect(jobs.map((j) => [j.orderId, j.partner, j.status])).toEqual([
      [snapshot.orderId, "reverb", "pending"],
      [snapshot.orderId, "testfreaks", "pending"],
    ]);
  });

  it("keeps ids above 2^53 exact from the payload to the store", async () => {
    await send("orders/create", loadFixture("orders-cancelled.sample"));
    const snapshot = await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP } });
    expect(snapshot.orderId).toBe("820982911946154508");
    expect(snapshot.payload).toContain("487817672276298554");
  });

  it("refuses a bad signature with 401 and stores nothing", async () => {
    const res = await send("orders/create", loadFixture("orders-create.discount-code-cad"), { secret: "not-the-app-secret" });
    expect(res.status).toBe(401);
    expect(await h.ctx.db.webhookEvent.count()).toBe(0);
    expect(await h.ctx.db.orderSnapshot.count()).toBe(0);
    expect(await h.ctx.db.syncJob.count()).toBe(0);
  });

  it("refuses a signed body that is not JSON with 400 and stores nothing", async () => {
    const res = await send("orders/create", '{"id": 1, "line_items": [');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/not valid JSON/);
    expect(await h.ctx.db.webhookEvent.count()).toBe(0);
  });

  it("refuses a signed body nested 20,000 levels deep with 400, never a 5xx Shopify would retry, and stores nothing", async () => {
    const deep = `{"id": 1, "note": ${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    const deepWithBigId = `{"id": 820982911946154508, "note": ${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    const answers = [await send("orders/create", deep), await send("orders/create", deepWithBigId)];
    expect(answers.map((r) => r.status)).toEqual([400, 400]);
    expect(await h.ctx.db.webhookEvent.count()).toBe(0);
    expect(await h.ctx.db.orderSnapshot.count()).toBe(0);
  });

  it("reads a key given twice as JSON.parse and Shopify's libraries do, the last value counting, whichever parser takes the body", async () => {
    const fixture = loadFixture("orders-create.discount-code-cad");
    const duplicate = fixture.replace('"email":', '"email": "first@example.com", "email":');
    const bigIds = loadFixture("orders-cancelled.sample").replace('"email":', '"email": "first@example.com", "email":');
    expect(duplicate).not.toMatch(/\d{16}/);
    expect(bigIds).toMatch(/\d{16}/);
    const answers = [await send("orders/create", duplicate), await send("orders/create", bigIds)];
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const emails = (await h.ctx.db.orderSnapshot.findMany()).map((s) => s.email).sort();
    const last = (text: string) => (JSON.parse(text) as { email: string }).email;
    expect(emails).toEqual([last(fixture), last(loadFixture("orders-cancelled.sample"))].sort());
  });

  it("refuses a signed JSON body that is not an order with 400 naming the field, and stores nothing", async () => {
    const order = JSON.parse(loadFixture("orders-create.discount-code-cad")) as Record<string, unknown>;
    order.line_items = "none";
    const res = await send("orders/create", JSON.stringify(order));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/line_items/);
    expect(await h.ctx.db.webhookEvent.count()).toBe(0);
    expect(await h.ctx.db.orderSnapshot.count()).toBe(0);
  });

  it("given the same event delivered 5 times at once, keeps one event and one job per partner, answering 200 to all", async () => {
    const webhook = signWebhook({ topic: "orders/create", shop: SHOP, body: loadFixture("orders-create.gbp-presentment"), secret: TEST_SECRET, eventId: "evt-same" });
    const answers = await Promise.all(Array.from({ length: 5 }, () => postWebhook(h.url, webhook)));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await h.ctx.db.webhookEvent.count()).toBe(1);
    expect(await h.ctx.db.orderSnapshot.count()).toBe(1);
    expect(await h.ctx.db.syncJob.count()).toBe(2);
  });

  it("given a newer payload stored, an older one for the same order changes nothing", async () => {
    const raw = loadFixture("orders-updated.eur-fulfilled");
    await send("orders/updated", withUpdatedAt(raw, "2026-01-02T10:00:00+01:00"));
    await h.ctx.db.syncJob.updateMany({ data: { status: "synced" } });

    const res = await send("orders/updated", withUpdatedAt(raw, "2026-01-01T10:00:00+01:00"));

    expect(res.status).toBe(200);
    const snapshot = await h.ctx.db.orderSnapshot.findFirstOrThrow();
    expect(snapshot.shopifyUpdatedAt.toISOString()).toBe("2026-01-02T09:00:00.000Z");
    expect((await h.ctx.db.syncJob.findMany()).map((j) => j.status)).toEqual(["synced", "synced"]);
  });

  it("given a newer payload after a sync, sets the jobs due again", async () => {
    const raw = loadFixture("orders-updated.eur-fulfilled");
    await send("orders/updated", withUpdatedAt(raw, "2026-01-01T10:00:00Z"));
    await h.ctx.db.syncJob.updateMany({ data: { status: "synced" } });

    await send("orders/updated", withUpdatedAt(raw, "2026-01-03T10:00:00Z"));

    expect((await h.ctx.db.syncJob.findMany()).map((j) => [j.status, j.generation])).toEqual([
      ["pending", 1],
      ["pending", 1],
    ]);
  });

  it("merges a fulfillment webhook into its order's snapshot", async () => {
    await send("orders/create", loadFixture("orders-cancelled.sample"));
    const res = await send("fulfillments/create", loadFixture("fulfillments-update.sample"));
    expect(res.status).toBe(200);
    const snapshot = await h.ctx.db.orderSnapshot.findFirstOrThrow();
    const payload = JSON.parse(snapshot.payload) as { fulfillments: { id: string }[] };
    expect(payload.fulfillments.map((f) => f.id)).toContain("123456");
  });

  it("answers 503 (so Shopify retries) when the store cannot be written, and acknowledges nothing", async () => {
    await h.ctx.db.$executeRawUnsafe('DROP TABLE "WebhookEvent"');
    const res = await send("orders/create", loadFixture("orders-create.discount-code-cad"));
    expect(res.status).toBe(503);
    expect(await h.ctx.db.orderSnapshot.count()).toBe(0);
  });
});

describe("webhook size limit", () => {
  it("answers 413 to a signed body over WEBHOOK_MAX_BYTES and stores nothing; a body under it is recorded", async () => {
    const small = await startHarness({ WEBHOOK_MAX_BYTES: "65536" });
    try {
      await installShopWithPartners(small.ctx.db, small.ctx.keyring);
      const order = JSON.parse(loadFixture("orders-create.discount-code-cad")) as Record<string, unknown>;
      const big = JSON.stringify({ ...order, note: "x".repeat(70_000) });
      const tooBig = await postWebhook(small.url, signWebhook({ topic: "orders/create", shop: SHOP, body: big, secret: TEST_SECRET }));
      expect([tooBig.status, await tooBig.text()]).toEqual([413, "Webhook body is larger than 65536 bytes (WEBHOOK_MAX_BYTES)"]);
      expect(await small.ctx.db.webhookEvent.count()).toBe(0);

      const fits = await postWebhook(small.url, signWebhook({ topic: "orders/create", shop: SHOP, body: JSON.stringify(order), secret: TEST_SECRET }));
      expect(fits.status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it("stops reading a body without Content-Length as soon as it passes the limit", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(16 * 1024).fill(120);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const request = new Request("http://127.0.0.1/webhooks/orders/create", { method: "POST", body: endless, duplex: "half" } as RequestInit);
    expect(await readCapped(request, 64 * 1024)).toBeNull();
    expect(pulled).toBeLessThan(200 * 1024);
  });
});
