// Retention: what is older than RETENTION_DAYS goes, in batches; what is still
// work (an unmerged delivery, a refund waiting for its order, an order a job
// still needs) stays; an idle order keeps its lines and amounts but not the
// customer's personal data.
import type { PrismaClient } from "@prisma/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { pruneExpired } from "~/sync/retention.server";
import { loadFixture } from "../fixtures/shopify";
import { createTestDb, type TestDb } from "../support/db";

const NOW = new Date("2026-06-01T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const SHOP_A = "retention-a.myshopify.com";
const SHOP_B = "retention-b.myshopify.com";

let store: TestDb;
let db: PrismaClient;
beforeEach(async () => {
  store = await createTestDb();
  db = store.db;
  for (const shop of [SHOP_A, SHOP_B]) await db.shop.create({ data: { shop } });
});
afterEach(async () => store.close());

function fixtureSnapshot(name: string): OrderSnapshot {
  const extracted = extractOrderSnapshot(parseJsonLossless(loadFixture(name)));
  if (!extracted.ok) throw new Error(extracted.error);
  return extracted.snapshot;
}

async function givenOrder(shop: string, name: string, lastChanged: Date, jobStatus: string) {
  const snapshot = fixtureSnapshot(name);
  await db.orderSnapshot.create({
    data: {
      shop,
      orderId: snapshot.orderId,
      orderName: snapshot.orderName,
      payload: JSON.stringify(snapshot),
      shopifyUpdatedAt: new Date(snapshot.updatedAt),
      email: snapshot.email,
      customerId: snapshot.customerId,
      createdAt: lastChanged,
      updatedAt: lastChanged,
    },
  });
  const job = await db.syncJob.create({
    data: { shop, orderId: snapshot.orderId, partner: "testfreaks", status: jobStatus, lastSentBody: JSON.stringify({ order: { customer: { email: snapshot.email } } }) },
  });
  return { snapshot, job };
}

const storedOrder = async (shop: string, orderId: string) => JSON.parse((await db.orderSnapshot.findFirstOrThrow({ where: { shop, orderId } })).payload) as OrderSnapshot;

describe("a retention pass", () => {
  it("prunes merged deliveries, attempt logs, unpinned look-ups and resolved alerts older than the period, in every shop, in batches", async () => {
    for (const shop of [SHOP_A, SHOP_B]) {
      for (let i = 0; i < 5; i++) {
        await db.webhookEvent.create({
          data: { shop, eventId: `old-${i}`, topic: "orders/updated", orderId: String(i), receivedAt: daysAgo(91), processedAt: daysAgo(91), outcome: "recorded", payload: "{}" },
        });
        await db.partnerCache.create({ data: { shop, partner: "reverb", kind: "customer", key: `buyer${i}@example.com`, value: `uuid-${i}`, updatedAt: daysAgo(100) } });
      }
      await db.webhookEvent.create({ data: { shop, eventId: "recent", topic: "orders/updated", orderId: "9", receivedAt: daysAgo(89), processedAt: daysAgo(89), outcome: "recorded" } });
      await db.partnerCache.create({ data: { shop, partner: "reversio", kind: "model", key: "SKU-1", value: "m-1", pinned: true, updatedAt: daysAgo(400) } });
      await db.partnerCache.create({ data: { shop, partner: "reversio", kind: "model", key: "SKU-2", value: "m-2", updatedAt: daysAgo(10) } });
      const job = await db.syncJob.create({ data: { shop, orderId: "1", partner: "reverb", status: "synced" } });
      for (const age of [120, 95, 30]) await db.syncAttempt.create({ data: { shop, jobId: job.id, startedAt: daysAgo(age), durationMs: 5, outcome: "synced" } });
      await db.alert.create({ data: { shop, partner: "reverb", kind: "failures", openedAt: daysAgo(100), resolvedAt: daysAgo(99), resolvedBy: "partner_accepted" } });
      await db.alert.create({ data: { shop, partner: "reverb", kind: "credentials_refused", openKey: `${shop} reverb credentials_refused`, openedAt: daysAgo(100) } });
    }

    const counts = await pruneExpired(db, { retentionDays: 90, now: NOW, batchSize: 2 });

    expect(counts).toEqual({ deliveries: 10, attempts: 4, cacheEntries: 10, alerts: 2, ordersErased: 0 });
    for (const shop of [SHOP_A, SHOP_B]) {
      expect((await db.webhookEvent.findMany({ where: { shop } })).map((e) => e.eventId)).toEqual(["recent"]);
      expect((await db.partnerCache.findMany({ where: { shop }, orderBy: { key: "asc" } })).map((c) => c.key)).toEqual(["SKU-1", "SKU-2"]);
      expect(await db.syncAttempt.count({ where: { shop } })).toBe(1);
      // An open incident stays, however old.
      expect((await db.alert.findMany({ where: { shop } })).map((a) => a.kind)).toEqual(["credentials_refused"]);
    }
  });

  it("never prunes a delivery that is still unmerged or waiting for its order", async () => {
    await db.webhookEvent.create({ data: { shop: SHOP_A, eventId: "unmerged", topic: "orders/create", orderId: "1", receivedAt: daysAgo(200), payload: "{}" } });
    await db.webhookEvent.create({ data: { shop: SHOP_A, eventId: "waiting", topic: "refunds/create", orderId: "2", receivedAt: daysAgo(200), outcome: "waiting_for_order", payload: "{}" } });

    expect((await pruneExpired(db, { retentionDays: 90, now: NOW })).deliveries).toBe(0);
    expect((await db.webhookEvent.findMany({ where: { shop: SHOP_A }, orderBy: { eventId: "asc" } })).map((e) => e.eventId)).toEqual(["unmerged", "waiting"]);
  });

  it("erases the personal data of orders idle for the period whose jobs are settled, and only theirs", async () => {
    const idle = await givenOrder(SHOP_A, "orders-create.discount-code-cad", daysAgo(120), "synced");
    const stillWorkedOn = await givenOrder(SHOP_A, "orders-updated.tracking-delivered-usd", daysAgo(120), "retrying");
    const recent = await givenOrder(SHOP_A, "orders-create.gbp-presentment", daysAgo(20), "synced");
    const otherShop = await givenOrder(SHOP_B, "orders-create.discount-code-cad", daysAgo(120), "failed");

    const counts = await pruneExpired(db, { retentionDays: 90, now: NOW });
    expect(counts.ordersErased).toBe(2);

    for (const [shop, order] of [
      [SHOP_A, idle],
      [SHOP_B, otherShop],
    ] as const) {
      const erased = await storedOrder(shop, order.snapshot.orderId);
      expect(erased).toMatchObject({
        piiRedacted: true,
        email: null,
        phone: null,
        shippingAddress: null,
        billingAddress: null,
        customer: { id: order.snapshot.customerId, email: null, firstName: null, lastName: null },
      });
      // What the order was stays: its lines and amounts.
      expect(erased.lineItems).toEqual(order.snapshot.lineItems);
      expect(erased.total).toEqual(order.snapshot.total);
      expect(await db.orderSnapshot.findFirstOrThrow({ where: { shop, orderId: order.snapshot.orderId } })).toMatchObject({ email: null });
      expect(await db.syncJob.findUniqueOrThrow({ where: { id: order.job.id } })).toMatchObject({ lastSentBody: null });
      expect(JSON.stringify(erased)).not.toMatch(/jane/i);
    }
    for (const order of [stillWorkedOn, recent]) {
      expect(await storedOrder(SHOP_A, order.snapshot.orderId)).toEqual(order.snapshot);
      expect((await db.syncJob.findUniqueOrThrow({ where: { id: order.job.id } })).lastSentBody).not.toBeNull();
    }

    // Erased once: the next pass finds nothing more to erase.
    expect((await pruneExpired(db, { retentionDays: 90, now: NOW })).ordersErased).toBe(0);
  });
});
