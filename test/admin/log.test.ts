import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, parseLogParams, querySyncLog, type SyncLogQuery } from "~/admin/sync-log.server";
import { createTestDb, type TestDb } from "../support/db";
import { SHOP_A, SHOP_B, seedJob, seedOrder } from "./seed";

let store: TestDb;
beforeEach(async () => {
  store = await createTestDb();
});
afterEach(async () => store.close());

const PARTNERS = ["reverb", "reversio", "testfreaks"];
const STATUSES = ["synced", "failed", "pending", "skipped"];
const BASE = Date.parse("2026-03-01T00:00:00Z");

/** 40 orders x 3 partners for shop A; every 4 orders share one updatedAt, so the id must break ties. */
async function seedShopA() {
  const { db } = store;
  for (let n = 0; n < 40; n += 1) {
    await seedOrder(db, SHOP_A, String(5000 + n), `#${1000 + n}`);
    for (const [p, partner] of PARTNERS.entries()) {
      await seedJob(db, SHOP_A, {
        orderId: String(5000 + n),
        partner,
        status: STATUSES[(n + p) % STATUSES.length],
        updatedAt: new Date(BASE + Math.floor(n / 4) * 3_600_000),
      });
    }
  }
}

/** The whole filtered log, newest first, straight from the table: what paging must reproduce. */
async function expectedIds(shop: string, where: Record<string, unknown> = {}) {
  const jobs = await store.db.syncJob.findMany({ where: { shop, ...where }, orderBy: [{ updatedAt: "desc" }, { id: "desc" }], select: { id: true } });
  return jobs.map((j) => j.id);
}

async function walkForward(shop: string, query: SyncLogQuery, pageSize: number) {
  const pages: string[][] = [];
  let after: SyncLogQuery["after"];
  for (;;) {
    const page = await querySyncLog(store.db, shop, { ...query, pageSize, ...(after ? { after } : {}) });
    pages.push(page.rows.map((r) => r.jobId));
    if (pages.length === 1) expect(page.previousCursor).toBeNull();
    else expect(page.previousCursor).not.toBeNull();
    if (!page.nextCursor) break;
    after = decodeCursor(page.nextCursor)!;
    expect(pages.length).toBeLessThan(100);
  }
  return pages;
}

describe("sync log paging", () => {
  beforeEach(seedShopA);

  it("given 120 jobs with tied timestamps, pages of 25 list every job exactly once, newest first", async () => {
    const pages = await walkForward(SHOP_A, {}, 25);

    expect(pages.map((p) => p.length)).toEqual([25, 25, 25, 25, 20]);
    expect(pages.flat()).toEqual(await expectedIds(SHOP_A));
  });

  it("walks back from the last page to the first with the previous cursor", async () => {
    const forward = await walkForward(SHOP_A, {}, 25);
    const backward: string[][] = [];
    let page = await querySyncLog(store.db, SHOP_A, { pageSize: 25, after: decodeCursor(encodeCursor(await lastRowOf(forward[3]!)))! });
    backward.unshift(page.rows.map((r) => r.jobId));
    while (page.previousCursor) {
      page = await querySyncLog(store.db, SHOP_A, { pageSize: 25, before: decodeCursor(page.previousCursor)! });
      backward.unshift(page.rows.map((r) => r.jobId));
    }
    expect(backward).toEqual(forward);
  });

  it("names each row's order, partner and status", async () => {
    const page = await querySyncLog(store.db, SHOP_A, { pageSize: 12 });
    // The newest hour holds orders #1036..#1039, three partners each.
    expect(page.rows).toHaveLength(12);
    for (const row of page.rows) {
      expect(row.orderName).toBe(`#${Number(row.orderId) - 4000}`);
      expect(row.updatedAt).toBe(new Date(BASE + 9 * 3_600_000).toISOString());
    }
    expect(new Set(page.rows.map((r) => r.partner))).toEqual(new Set(PARTNERS));
    expect(new Set(page.rows.map((r) => r.status))).toEqual(new Set(STATUSES));
  });
});

async function lastRowOf(ids: string[]) {
  const job = await store.db.syncJob.findUniqueOrThrow({ where: { id: ids[ids.length - 1]! } });
  return { updatedAt: job.updatedAt, id: job.id };
}

describe("sync log filters and search", () => {
  beforeEach(seedShopA);

  it("filters by partner and status, and pages the filtered list correctly", async () => {
    const pages = await walkForward(SHOP_A, { partner: "reverb", status: "failed" }, 4);
    expect(pages.flat()).toEqual(await expectedIds(SHOP_A, { partner: "reverb", status: "failed" }));
    expect(pages.flat()).toHaveLength(10);
  });

  it("filters by a date range on the last activity, the end day included", async () => {
    // Hours 2..4 after BASE, i.e. orders 8..19; as the merchant's day range: from and to the same day takes that whole day.
    const from = new Date(BASE + 2 * 3_600_000);
    const to = new Date(BASE + 5 * 3_600_000);
    const page = await querySyncLog(store.db, SHOP_A, { from, to, pageSize: 200 });
    expect(page.rows.map((r) => r.jobId)).toEqual(await expectedIds(SHOP_A, { updatedAt: { gte: from, lt: to } }));
    expect(page.rows).toHaveLength(36);

    const params = parseLogParams(new URLSearchParams({ from: "2026-03-01", to: "2026-03-01" }));
    expect(params.from?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(params.to?.toISOString()).toBe("2026-03-02T00:00:00.000Z");
  });

  it("finds an order by part of its name, with or without the #", async () => {
    const exact = await querySyncLog(store.db, SHOP_A, { search: "#1007" });
    expect(new Set(exact.rows.map((r) => r.orderName))).toEqual(new Set(["#1007"]));
    expect(exact.rows).toHaveLength(3);

    const partial = await querySyncLog(store.db, SHOP_A, { search: "103" });
    expect(new Set(partial.rows.map((r) => r.orderName))).toEqual(new Set(["#1030", "#1031", "#1032", "#1033", "#1034", "#1035", "#1036", "#1037", "#1038", "#1039"]));

    const none = await querySyncLog(store.db, SHOP_A, { search: "#9999" });
    expect(none).toEqual({ rows: [], nextCursor: null, previousCursor: null, searchTruncated: false });
  });

  it("combines search with filters", async () => {
    const page = await querySyncLog(store.db, SHOP_A, { search: "103", partner: "testfreaks", status: "synced" });
    const orderIds = Array.from({ length: 10 }, (_, i) => String(5030 + i));
    expect(page.rows.map((r) => r.jobId)).toEqual(await expectedIds(SHOP_A, { partner: "testfreaks", status: "synced", orderId: { in: orderIds } }));
    expect(page.rows.map((r) => r.orderName).sort()).toEqual(["#1030", "#1034", "#1038"]);
  });
});

describe("sync log shop scoping", () => {
  it("never shows another shop's jobs, not by filter, search or a borrowed cursor", async () => {
    await seedShopA();
    await seedOrder(store.db, SHOP_B, "9001", "#1001");
    await seedJob(store.db, SHOP_B, { orderId: "9001", partner: "reverb", status: "failed", updatedAt: new Date(BASE + 100 * 3_600_000) });

    const a = await querySyncLog(store.db, SHOP_A, { pageSize: 200 });
    expect(a.rows).toHaveLength(120);
    expect(a.rows.some((r) => r.orderId === "9001")).toBe(false);

    const searched = await querySyncLog(store.db, SHOP_A, { search: "#1001" });
    expect(searched.rows.map((r) => r.orderId)).toEqual(["5001", "5001", "5001"]);

    const b = await querySyncLog(store.db, SHOP_B, {});
    expect(b.rows.map((r) => [r.orderId, r.orderName])).toEqual([["9001", "#1001"]]);

    const borrowed = decodeCursor((await querySyncLog(store.db, SHOP_A, { pageSize: 5 })).nextCursor)!;
    const withBorrowed = await querySyncLog(store.db, SHOP_B, { after: borrowed });
    expect(withBorrowed.rows.every((r) => r.orderId === "9001")).toBe(true);
  });
});

describe("the log's URL parameters", () => {
  it("ignores what it does not recognise instead of failing", () => {
    const parsed = parseLogParams(new URLSearchParams({ partner: "shopify", status: "exploded", from: "yesterday", after: "not-a-cursor", q: "  #1001  " }));
    expect(parsed).toEqual({ search: "#1001", fromText: "", toText: "" });
  });

  it("round-trips a cursor and refuses a forged one", () => {
    const cursor = { updatedAt: new Date("2026-03-01T10:00:00.123Z"), id: "cmabc123" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(Buffer.from("123.id' OR 1=1").toString("base64url"))).toBeNull();
    expect(decodeCursor("")).toBeNull();
  });
});
