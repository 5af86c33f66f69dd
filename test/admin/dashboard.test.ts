import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dailyActivity, loadDashboard, parseWindow, partnerStates, statusCounts } from "~/admin/dashboard.server";
import { createTestDb, type TestDb } from "../support/db";
import { SHOP_A, SHOP_B, seedAttempt, seedJob, seedOrder, seedPartnerConfig } from "./seed";

const NOW = new Date("2026-03-15T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

let store: TestDb;
beforeEach(async () => {
  store = await createTestDb();
});
afterEach(async () => store.close());

describe("partner states", () => {
  it("tells not set up, active, paused with the reason, disabled, and a rate-limit hold", async () => {
    const { db } = store;
    await seedPartnerConfig(db, SHOP_A, "reverb", { holdUntil: new Date(NOW.getTime() + 60_000) });
    await seedPartnerConfig(db, SHOP_A, "testfreaks", { pausedReason: "TestFreaks refused the credentials: 401" });
    // Shop B's settings must not leak into shop A's states.
    await seedPartnerConfig(db, SHOP_B, "reversio");

    const states = await partnerStates(db, SHOP_A, NOW);

    expect(states.get("reverb")).toEqual({ kind: "active", holdUntil: new Date(NOW.getTime() + 60_000).toISOString(), rateLimit: "Rate limited by Reverb until 15 Mar 2026, 12:01 UTC." });
    expect(states.get("testfreaks")).toEqual({ kind: "paused", reason: "TestFreaks refused the credentials: 401", since: "2026-03-01T08:00:00.000Z" });
    expect(states.get("reversio")).toEqual({ kind: "not_set_up" });

    await db.partnerConfig.updateMany({ where: { shop: SHOP_A, partner: "reverb" }, data: { enabled: false } });
    expect((await partnerStates(db, SHOP_A, NOW)).get("reverb")).toEqual({ kind: "disabled" });
  });

  it("drops a hold that has already expired", async () => {
    await seedPartnerConfig(store.db, SHOP_A, "reverb", { holdUntil: hoursAgo(1) });
    expect((await partnerStates(store.db, SHOP_A, NOW)).get("reverb")).toEqual({ kind: "active", holdUntil: null });
  });
});

describe("counts by status over a window", () => {
  beforeEach(async () => {
    const { db } = store;
    const jobs: [string, string, string, number][] = [
      ["1", "reverb", "synced", 2], // inside 24 h
      ["2", "reverb", "failed", 5], // inside 24 h
      ["3", "reverb", "synced", 3 * 24], // inside 7 d
      ["4", "testfreaks", "pending", 1], // inside 24 h
      ["5", "testfreaks", "skipped", 20 * 24], // inside 30 d
      ["6", "reverb", "synced", 40 * 24], // outside every window
    ];
    for (const [orderId, partner, status, age] of jobs) await seedJob(db, SHOP_A, { orderId, partner, status, updatedAt: hoursAgo(age) });
    await seedJob(db, SHOP_B, { orderId: "1", partner: "reverb", status: "failed", updatedAt: hoursAgo(1) });
  });

  it("counts only the shop's jobs whose last activity is inside the window", async () => {
    const day = await statusCounts(store.db, SHOP_A, hoursAgo(24));
    expect(day.get("reverb")).toMatchObject({ synced: 1, failed: 1, pending: 0 });
    expect(day.get("testfreaks")).toMatchObject({ pending: 1, skipped: 0 });

    const week = await statusCounts(store.db, SHOP_A, hoursAgo(7 * 24));
    expect(week.get("reverb")).toMatchObject({ synced: 2, failed: 1 });

    const month = await statusCounts(store.db, SHOP_A, hoursAgo(30 * 24));
    expect(month.get("reverb")).toMatchObject({ synced: 2, failed: 1 });
    expect(month.get("testfreaks")).toMatchObject({ pending: 1, skipped: 1 });
    expect(month.get("reversio")).toEqual({ pending: 0, retrying: 0, synced: 0, failed: 0, skipped: 0, paused: 0 });
  });

  it("reads the window from the URL, falling back to 7 days for anything else", () => {
    expect(parseWindow("24h")).toBe("24h");
    expect(parseWindow("30d")).toBe("30d");
    expect(parseWindow("1y")).toBe("7d");
    expect(parseWindow(null)).toBe("7d");
  });
});

describe("synced vs failed per day", () => {
  it("counts accepted and finally failed attempts per UTC day for 14 days, today last", async () => {
    const { db } = store;
    const a = await seedJob(db, SHOP_A, { orderId: "1", partner: "reverb" });
    const b = await seedJob(db, SHOP_B, { orderId: "1", partner: "reverb" });
    await seedAttempt(db, SHOP_A, a.id, { startedAt: new Date("2026-03-15T00:00:00Z"), outcome: "synced" }); // today, first instant
    await seedAttempt(db, SHOP_A, a.id, { startedAt: new Date("2026-03-14T23:59:59Z"), outcome: "failed" }); // yesterday, last second
    await seedAttempt(db, SHOP_A, a.id, { startedAt: new Date("2026-03-14T10:00:00Z"), outcome: "synced" });
    await seedAttempt(db, SHOP_A, a.id, { startedAt: new Date("2026-03-14T11:00:00Z"), outcome: "retry" }); // not an outcome
    await seedAttempt(db, SHOP_A, a.id, { startedAt: new Date("2026-03-14T12:00:00Z"), outcome: "unchanged" }); // nothing was sent
    await seedAttempt(db, SHOP_A, a.id, { startedAt: new Date("2026-03-02T09:00:00Z"), outcome: "failed" }); // first day shown
    await seedAttempt(db, SHOP_A, a.id, { startedAt: new Date("2026-03-01T23:00:00Z"), outcome: "synced" }); // 15 days ago: left out
    await seedAttempt(db, SHOP_B, b.id, { startedAt: new Date("2026-03-15T08:00:00Z"), outcome: "synced" }); // another shop

    const days = await dailyActivity(db, SHOP_A, NOW);

    expect(days).toHaveLength(14);
    expect(days[0]).toEqual({ day: "2026-03-02", synced: 0, failed: 1 });
    expect(days[12]).toEqual({ day: "2026-03-14", synced: 1, failed: 1 });
    expect(days[13]).toEqual({ day: "2026-03-15", synced: 1, failed: 0 });
    expect(days.slice(1, 12).every((d) => d.synced === 0 && d.failed === 0)).toBe(true);
  });
});

describe("the dashboard", () => {
  it("is a first run while no partner has settings, and not once one has", async () => {
    const { db } = store;
    await seedPartnerConfig(db, SHOP_B, "reverb");
    const empty = await loadDashboard(db, SHOP_A, { now: NOW });
    expect(empty.firstRun).toBe(true);
    expect(empty.partners.map((p) => p.state.kind)).toEqual(["not_set_up", "not_set_up", "not_set_up"]);

    await seedPartnerConfig(db, SHOP_A, "testfreaks", { enabled: false });
    await seedOrder(db, SHOP_A, "1", "#1");
    await seedJob(db, SHOP_A, { orderId: "1", partner: "testfreaks", status: "synced", updatedAt: hoursAgo(30) });
    const configured = await loadDashboard(db, SHOP_A, { now: NOW, window: "24h" });
    expect(configured.firstRun).toBe(false);
    expect(configured.window).toBe("24h");
    expect(configured.partners.find((p) => p.partner === "testfreaks")).toMatchObject({ state: { kind: "disabled" }, counts: { synced: 0 } });
    expect((await loadDashboard(db, SHOP_A, { now: NOW, window: "7d" })).partners.find((p) => p.partner === "testfreaks")?.counts.synced).toBe(1);
  });
});
