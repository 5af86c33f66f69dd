// The admin's backfill and reconciliation cards (app/admin/backfill.server.ts):
// what they show, their buttons, and that one shop never sees another's.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { historyAction, historyPanel } from "~/admin/backfill.server";
import { createTestDb, type TestDb } from "../support/db";
import { SHOP_A, SHOP_B, seedPartnerConfig } from "./seed";

const NOW = new Date("2026-03-15T12:00:00Z");
let store: TestDb;
beforeEach(async () => {
  store = await createTestDb();
  await seedPartnerConfig(store.db, SHOP_A, "testfreaks");
});
afterEach(async () => store.close());

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};

describe("backfill card", () => {
  it("starts a backfill for the partner, shows it running at 0%, refuses a second, and cancels it", async () => {
    expect(await historyAction(store.db, SHOP_A, form({ intent: "backfill-start", since: "2026-01-01", partner: "testfreaks" }), NOW)).toEqual({
      ok: true,
      message: "Backfill started: orders placed since 2026-01-01 are on their way.",
    });
    const panel = await historyPanel(store.db, SHOP_A, "testfreaks", NOW);
    expect(panel.active).toMatchObject({ partner: "testfreaks", since: "2026-01-01", status: "exporting", progress: 0, eta: null });
    expect(panel.active!.summary).toMatch(/^Shopify is preparing your orders since 2026-01-01 for TestFreaks\./);
    expect(panel.configured).toEqual(["testfreaks"]);

    expect(await historyAction(store.db, SHOP_A, form({ intent: "backfill-start", since: "2026-01-01" }), NOW)).toMatchObject({ ok: false, message: expect.stringMatching(/already running/) });

    expect((await historyAction(store.db, SHOP_A, form({ intent: "backfill-cancel", id: panel.active!.id }), NOW)).ok).toBe(true);
    const after = await historyPanel(store.db, SHOP_A, "testfreaks", NOW);
    expect(after.active).toBeNull();
    expect(after.last?.summary).toMatch(/^Backfill since 2026-01-01 for TestFreaks was cancelled after 0 orders read/);
  });

  it("shows progress and time left from the row's counts", async () => {
    await store.db.backfill.create({
      data: {
        shop: SHOP_A,
        partner: null,
        since: new Date("2026-01-01T00:00:00Z"),
        status: "reading",
        ordersTotal: 1000,
        ordersRead: 500,
        queued: 400,
        synced: 200,
        startedAt: new Date(NOW.getTime() - 10 * 60_000),
      },
    });
    const { active } = await historyPanel(store.db, SHOP_A, undefined, NOW);
    // Half read (0.25) and half of what was queued answered (0.25 x 0.5).
    expect(active!.progress).toBeCloseTo(0.375);
    expect(active!.eta).toBe("about 17 minutes");
  });

  it("never shows or cancels another shop's backfill; a date is required", async () => {
    await historyAction(store.db, SHOP_A, form({ intent: "backfill-start", since: "2026-01-01" }), NOW);
    const mine = (await historyPanel(store.db, SHOP_A, undefined, NOW)).active!;

    expect((await historyPanel(store.db, SHOP_B, undefined, NOW)).active).toBeNull();
    expect(await historyAction(store.db, SHOP_B, form({ intent: "backfill-cancel", id: mine.id }), NOW)).toEqual({ ok: false, message: "This backfill has already ended." });
    expect(await historyAction(store.db, SHOP_A, form({ intent: "backfill-start", since: "" }), NOW)).toEqual({ ok: false, message: "Choose the date to start from." });
  });
});

describe("reconciliation card", () => {
  it("says it has not run, then that a check is queued once asked for", async () => {
    expect((await historyPanel(store.db, SHOP_A, undefined, NOW)).reconciliation.summary).toBe("Reconciliation has not run for this store yet.");
    expect((await historyAction(store.db, SHOP_A, form({ intent: "reconcile" }), NOW)).ok).toBe(true);
    const { reconciliation } = await historyPanel(store.db, SHOP_A, undefined, NOW);
    expect(reconciliation.status).toBe("requested");
    expect(reconciliation.summary).toMatch(/^A check is queued\./);
  });

  it("reports the orders the last run recovered and the total", async () => {
    await store.db.reconciliation.create({ data: { shop: SHOP_A, lastFinishedAt: NOW, lastRead: 120, lastRecovered: 3, recoveredTotal: 7 } });
    expect((await historyPanel(store.db, SHOP_A, undefined, NOW)).reconciliation.summary).toBe(
      "Last checked 15 Mar 2026, 12:00 UTC: 120 orders compared with Shopify, 3 missed orders recovered (7 in all).",
    );
  });
});
