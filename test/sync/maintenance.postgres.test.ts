// Alerts and retention on Postgres: one open incident however many raise it at
// once, and a retention pass that prunes only what it should.
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "~/db.server";
import { raiseAlert } from "~/sync/alerts.server";
import { pruneExpired } from "~/sync/retention.server";
import { createMigratedDatabase, startTestPostgres, type TestPostgres } from "../support/postgres";

const SHOP = "maintenance-pg.myshopify.com";
const NOW = new Date("2026-06-01T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

let pg: TestPostgres;
let dbs: PrismaClient[] = [];

beforeAll(async () => {
  pg = await startTestPostgres();
  const url = await createMigratedDatabase(pg, "maintenance");
  // Two processes' clients.
  dbs = [createDb(url), createDb(url)];
  await dbs[0]!.shop.create({ data: { shop: SHOP } });
}, 120_000);
afterAll(async () => {
  for (const db of dbs) await db.$disconnect();
  await pg?.stop();
});

describe("on Postgres", () => {
  it("raises from two processes at once open one incident", async () => {
    const opened = await Promise.all(dbs.flatMap((db) => [1, 2, 3].map(() => raiseAlert(db, SHOP, "reverb", "failures", NOW, 5))));
    expect(opened.filter(Boolean)).toHaveLength(1);
    expect(await dbs[0]!.alert.count({ where: { shop: SHOP, resolvedAt: null } })).toBe(1);
  });

  it("a retention pass prunes old merged deliveries and attempts, never a waiting delivery", async () => {
    const db = dbs[0]!;
    await db.webhookEvent.create({ data: { shop: SHOP, eventId: "old", topic: "orders/updated", orderId: "1", receivedAt: daysAgo(100), processedAt: daysAgo(100), outcome: "recorded" } });
    await db.webhookEvent.create({ data: { shop: SHOP, eventId: "waiting", topic: "refunds/create", orderId: "2", receivedAt: daysAgo(100), outcome: "waiting_for_order" } });
    const job = await db.syncJob.create({ data: { shop: SHOP, orderId: "1", partner: "reverb", status: "synced" } });
    await db.syncAttempt.create({ data: { shop: SHOP, jobId: job.id, startedAt: daysAgo(100), durationMs: 1, outcome: "synced" } });
    await db.syncAttempt.create({ data: { shop: SHOP, jobId: job.id, startedAt: daysAgo(1), durationMs: 1, outcome: "synced" } });

    expect(await pruneExpired(db, { retentionDays: 90, now: NOW, batchSize: 1 })).toMatchObject({ deliveries: 1, attempts: 1 });
    expect((await db.webhookEvent.findMany({ where: { shop: SHOP } })).map((e) => e.eventId)).toEqual(["waiting"]);
    expect(await db.syncAttempt.count({ where: { shop: SHOP } })).toBe(1);
  });
});
