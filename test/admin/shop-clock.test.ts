// The merchant's clock: the admin counts days and prints dates in the shop's time
// zone (Shopify's shop { ianaTimezone }), read once and kept; UTC, said so, when
// Shopify cannot tell it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { historyAction, historyPanel } from "~/admin/backfill.server";
import { dailyActivity } from "~/admin/dashboard.server";
import { formatDateTime, timeZoneNote } from "~/admin/format";
import { parseLogParams } from "~/admin/sync-log.server";
import { settingsView } from "~/admin/partner-settings.server";
import { connectors } from "~/connectors/registry";
import { loader as dashboardLoader } from "~/routes/app._index";
import { loader as logLoader } from "~/routes/app.log";
import { readShopTimezone, shopClock, SHOP_ZONE_RETRY_MS } from "~/shopify/shop-zone.server";
import { installShopLocally } from "~/shopify/install.server";
import type { ShopifyGraphql } from "~/shopify/admin-graphql.server";
import { backfillView } from "~/sync/backfill.server";
import { silentLogger } from "~/logger";
import { addDays, dayBoundsIn, dayIn, startOfDayIn, UTC_CLOCK } from "~/time-zone";
import { startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { startHarness, TEST_SECRET, type Harness } from "../support/harness";
import { mintSessionToken } from "../support/session-token";
import { SHOP_A, SHOP_B, seedAttempt, seedJob, seedPartnerConfig } from "./seed";

const NEW_YORK = { timeZone: "America/New_York", known: true };
const PARIS = { timeZone: "Europe/Paris", known: true };

describe("the formatter and the zone's days", () => {
  it("prints an instant on the zone's clock with the zone's name", () => {
    const at = new Date("2026-11-23T15:05:00Z");
    expect(formatDateTime(at)).toBe("23 Nov 2026, 15:05 UTC");
    expect(formatDateTime(at, "America/New_York")).toBe("23 Nov 2026, 10:05 EST");
    expect(formatDateTime(new Date("2026-07-01T15:05:00Z"), "America/New_York")).toBe("1 Jul 2026, 11:05 EDT");
    expect(formatDateTime(new Date("2026-11-23T23:30:00Z"), "Europe/Paris")).toBe("24 Nov 2026, 00:30 GMT+1");
  });

  it("says which zone the page's times are in, and why UTC when the shop's is not known", () => {
    expect(timeZoneNote(NEW_YORK)).toBe("Times are in the store's time zone (America/New_York).");
    expect(timeZoneNote(UTC_CLOCK)).toMatch(/^Times are in UTC: the store's time zone could not be read from Shopify/);
  });

  it("starts a day at the zone's midnight, 23 or 25 hours long across daylight saving changes", () => {
    expect(dayIn(new Date("2026-03-10T03:59:59Z"), "America/New_York")).toBe("2026-03-09");
    expect(dayIn(new Date("2026-03-10T04:00:00Z"), "America/New_York")).toBe("2026-03-10");
    expect(startOfDayIn("2026-01-01", "Europe/Paris").toISOString()).toBe("2025-12-31T23:00:00.000Z");
    // Clocks go forward on 8 March 2026 in New York, back on 1 November.
    const spring = dayBoundsIn("2026-03-08", "America/New_York");
    expect([spring.start.toISOString(), spring.end.toISOString()]).toEqual(["2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z"]);
    const autumn = dayBoundsIn("2026-11-01", "America/New_York");
    expect((autumn.end.getTime() - autumn.start.getTime()) / 3_600_000).toBe(25);
    // Santiago skips midnight when its clocks go forward (6 September 2026): the day starts at 01:00 there.
    expect(startOfDayIn("2026-09-06", "America/Santiago").toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });

  it("starts every day of a year at its first instant, in zones whose clocks change at midnight, by half hours or not at all", () => {
    const wrong: string[] = [];
    for (const zone of ["America/New_York", "America/Santiago", "Asia/Beirut", "America/Havana", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata", "UTC"]) {
      for (let day = "2025-12-31"; day < "2027-01-02"; day = addDays(day, 1)) {
        const start = startOfDayIn(day, zone);
        if (dayIn(start, zone) !== day || dayIn(new Date(start.getTime() - 1000), zone) >= day) wrong.push(`${zone} ${day}: ${start.toISOString()}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("the store's days on the admin's pages", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());
  beforeEach(async () => {
    await h.ctx.db.syncAttempt.deleteMany();
    await h.ctx.db.syncJob.deleteMany();
    await h.ctx.db.backfill.deleteMany();
    await h.ctx.db.partnerConfig.deleteMany();
  });

  it("counts the chart's days from midnight to midnight in the shop's zone", async () => {
    const { db } = h.ctx;
    const job = await seedJob(db, SHOP_A, { orderId: "1", partner: "reverb" });
    await seedAttempt(db, SHOP_A, job.id, { startedAt: new Date("2026-03-15T03:59:59Z"), outcome: "synced" }); // 14 March, 23:59:59 in New York
    await seedAttempt(db, SHOP_A, job.id, { startedAt: new Date("2026-03-15T04:00:00Z"), outcome: "failed" }); // 15 March, midnight in New York
    await seedAttempt(db, SHOP_A, job.id, { startedAt: new Date("2026-03-09T03:30:00Z"), outcome: "synced" }); // 8 March (23 hours long), 23:30
    await seedAttempt(db, SHOP_A, job.id, { startedAt: new Date("2026-03-08T04:30:00Z"), outcome: "synced" }); // 7 March, 23:30 (still EST)
    const now = new Date("2026-03-15T12:00:00Z");

    const days = await dailyActivity(db, SHOP_A, now, 14, "America/New_York");
    const on = (day: string) => days.find((d) => d.day === day);
    expect(days.at(-1)).toEqual({ day: "2026-03-15", synced: 0, failed: 1 });
    expect(on("2026-03-14")).toEqual({ day: "2026-03-14", synced: 1, failed: 0 });
    expect(on("2026-03-08")).toEqual({ day: "2026-03-08", synced: 1, failed: 0 });
    expect(on("2026-03-07")).toEqual({ day: "2026-03-07", synced: 1, failed: 0 });
    // The same attempts in UTC days fall elsewhere: the zone is what moved them.
    const utc = await dailyActivity(db, SHOP_A, now, 14);
    expect(utc.find((d) => d.day === "2026-03-15")).toEqual({ day: "2026-03-15", synced: 1, failed: 1 });
    expect(utc.find((d) => d.day === "2026-03-09")).toEqual({ day: "2026-03-09", synced: 1, failed: 0 });
  });

  it("prints the partner page's dates in the shop's zone", async () => {
    await seedPartnerConfig(h.ctx.db, SHOP_A, "testfreaks", { holdUntil: new Date("2026-11-23T15:05:00Z") });
    const deps = { ...h.ctx.runner, logger: silentLogger, now: () => new Date("2026-11-23T15:00:00Z"), timeZone: "America/New_York" };
    const view = await settingsView(deps, SHOP_A, connectors.testfreaks);
    expect(view.holdUntil).toBe("23 Nov 2026, 10:05 EST");
    expect(view.rateLimit).toMatch(/^Rate limited by TestFreaks until 23 Nov 2026, 10:05 EST\./);
  });

  it("reads the log's From and To as the shop's days, To included to its last instant", () => {
    const params = parseLogParams(new URLSearchParams({ from: "2026-03-08", to: "2026-03-08" }), "America/New_York");
    expect(params.from?.toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(params.to?.toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(parseLogParams(new URLSearchParams({ from: "2026-02-30" }), "America/New_York").from).toBeUndefined();
  });

  it("starts a backfill at midnight of the chosen day in the shop's zone, and its summary names the shop's days", async () => {
    const { db } = h.ctx;
    await seedPartnerConfig(db, SHOP_A, "testfreaks");
    const now = new Date("2026-03-15T23:30:00Z"); // already 16 March in Paris
    const form = new FormData();
    form.set("intent", "backfill-start");
    form.set("since", "2026-01-01");
    expect((await historyAction(db, SHOP_A, form, now, PARIS)).ok).toBe(true);

    const row = await db.backfill.findFirstOrThrow({ where: { shop: SHOP_A } });
    expect(row.since.toISOString()).toBe("2025-12-31T23:00:00.000Z");
    const panel = await historyPanel(db, SHOP_A, undefined, now, PARIS);
    expect(panel.active?.since).toBe("2026-01-01");
    expect(panel.active?.summary).toMatch(/since 2026-01-01 for all partners/);
    expect(panel.today).toBe("2026-03-16");
    expect(panel.timeZoneNote).toBe("Times are in the store's time zone (Europe/Paris).");
    // The CLI keeps its documented UTC days: the same row starts on 31 December there.
    expect(backfillView(row, now).since).toBe("2025-12-31");
  });
});

describe("the shop's zone, read from Shopify once", () => {
  let h: Harness;
  let admin: ShopifyAdminStandIn;
  beforeAll(async () => {
    admin = await startShopifyAdminStandIn({ shop: { ianaTimezone: "America/New_York" } });
    h = await startHarness({ SHOPIFY_LOCAL_ADMIN_URL: admin.url });
    globalThis.__partnerSyncContext = h.ctx;
    await installShopLocally(h.ctx.db, SHOP_A);
    await installShopLocally(h.ctx.db, SHOP_B);
  });
  afterAll(async () => {
    globalThis.__partnerSyncContext = undefined;
    await h.close();
    await admin.close();
  });

  const page = (path: string, shop: string) =>
    new Request(`http://127.0.0.1:3000${path}`, { headers: { Authorization: `Bearer ${mintSessionToken({ shop, apiKey: "test-api-key", secret: TEST_SECRET })}` } });
  const zoneReads = () => admin.log.filter((entry) => JSON.stringify(entry.body ?? "").includes("ianaTimezone")).length;

  it("asks Shopify on the first page load, keeps the answer, and the next pages do not ask again", async () => {
    const before = zoneReads();
    const home = await dashboardLoader({ request: page("/app", SHOP_A), params: {}, context: {} });
    expect(home.clock).toEqual(NEW_YORK);
    expect(zoneReads()).toBe(before + 1);
    expect(await h.ctx.db.shop.findUniqueOrThrow({ where: { shop: SHOP_A } })).toMatchObject({ ianaTimezone: "America/New_York" });

    const log = await logLoader({ request: page("/app/log", SHOP_A), params: {}, context: {} });
    await dashboardLoader({ request: page("/app", SHOP_A), params: {}, context: {} });
    expect(zoneReads()).toBe(before + 1);
    expect(log.timeZoneNote).toBe("Times are in the store's time zone (America/New_York).");
  });

  it("falls back to UTC and says so when Shopify cannot answer, and asks again later", async () => {
    admin.knobs.failNext = { count: 1, status: 503 };
    const home = await dashboardLoader({ request: page("/app", SHOP_B), params: {}, context: {} });
    expect(home.clock).toEqual(UTC_CLOCK);
    expect(home.activity.at(-1)?.day).toBe(new Date().toISOString().slice(0, 10));

    // A page load right after does not wait on Shopify again; one after the retry delay asks, and keeps the answer.
    const reads = zoneReads();
    const deps = { db: h.ctx.db, logger: silentLogger, readTimezone: () => readShopTimezone(standInGraphql(admin.url)) };
    expect(await shopClock(deps, SHOP_B, new Date())).toEqual(UTC_CLOCK);
    expect(zoneReads()).toBe(reads);
    expect(await shopClock(deps, SHOP_B, new Date(Date.now() + SHOP_ZONE_RETRY_MS + 1000))).toEqual(NEW_YORK);
    expect(zoneReads()).toBe(reads + 1);
  });

  it("refuses an answer that is not a zone", async () => {
    admin.shop.ianaTimezone = "Mars/Olympus_Mons";
    await expect(readShopTimezone(standInGraphql(admin.url))).rejects.toThrow(/did not answer the shop's time zone/);
    admin.shop.ianaTimezone = "America/New_York";
  });
});

/** The Admin API stand-in called as the app's clients call Shopify (any token is taken). */
function standInGraphql(url: string): ShopifyGraphql {
  return async (query, variables) => {
    const response = await fetch(`${url}/admin/api/2025-10/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": "shpat_test" },
      body: JSON.stringify({ query, variables }),
    });
    return response.json();
  };
}
