// Statements on the SQLite driver under Prisma (app/db.sqlite-direct.ts): they
// share Prisma's client, wait for its open transaction instead of sitting in
// SQLite's busy wait (which blocks the thread the transaction needs), and write
// dates the way Prisma reads them. A real SQLite file.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { createDb, sqliteDirectOf } from "~/db.server";
import { sqliteDateTime } from "~/db.sqlite-direct";
import { createTestDb, type TestDb } from "../support/db";

let store: TestDb;
let db: PrismaClient;
beforeEach(async () => {
  store = await createTestDb();
  // As the app's processes open it: transactions take the write lock at BEGIN.
  db = createDb(store.url, { sqliteImmediate: true });
});
afterEach(async () => {
  await db.$disconnect();
  await store.close();
});

const insertShopInto = (client: PrismaClient, shop: string, at = new Date()) =>
  sqliteDirectOf(client)!.execute(`INSERT INTO "Shop" ("shop", "installedAt", "updatedAt") VALUES (?, ?, ?)`, [shop, sqliteDateTime(at), sqliteDateTime(at)]);
const insertShop = (shop: string) => insertShopInto(db, shop);

it("a direct write waits for Prisma's open transaction, then runs; both writes are kept", async () => {
  let directDone = false;
  await db.$transaction(async (tx) => {
    await tx.shop.create({ data: { shop: "first.myshopify.com" } });
    const direct = insertShop("second.myshopify.com").then(() => (directDone = true));
    // Without the gate the direct INSERT would sit in SQLite's busy wait on another
    // connection, blocking this thread: the transaction below could not go on.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(directDone).toBe(false);
    await tx.shop.update({ where: { shop: "first.myshopify.com" }, data: { uninstalledAt: null } });
    void direct;
  });
  await expect.poll(() => directDone).toBe(true);
  expect((await db.shop.findMany({ orderBy: { shop: "asc" } })).map((s) => s.shop)).toEqual(["first.myshopify.com", "second.myshopify.com"]);
});

it("a transaction that rolled back lets the direct statement waiting behind it in", async () => {
  await expect(
    db.$transaction(async (tx) => {
      await tx.shop.create({ data: { shop: "gone.myshopify.com" } });
      throw new Error("rolled back");
    }),
  ).rejects.toThrow("rolled back");
  await insertShop("kept.myshopify.com");
  expect((await db.shop.findMany()).map((s) => s.shop)).toEqual(["kept.myshopify.com"]);
});

it("works before Prisma has opened its connection, and writes dates Prisma reads back exactly", async () => {
  const fresh = createDb(store.url, { sqliteImmediate: true });
  try {
    const at = new Date("2026-11-30T23:30:00.123Z");
    await insertShopInto(fresh, "early.myshopify.com", at);
    expect((await fresh.shop.findUniqueOrThrow({ where: { shop: "early.myshopify.com" } })).installedAt).toEqual(at);
    // Ordered by Prisma as its own dates are.
    await fresh.shop.create({ data: { shop: "later.myshopify.com", installedAt: new Date("2026-12-01T00:00:00.000Z") } });
    expect((await fresh.shop.findMany({ orderBy: { installedAt: "desc" } })).map((s) => s.shop)).toEqual(["later.myshopify.com", "early.myshopify.com"]);
  } finally {
    await fresh.$disconnect();
  }
});
