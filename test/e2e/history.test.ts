// Browser scenarios of a store's past orders: a backfill started from a partner's
// settings page runs to its summary line, one started from Home is cancelled while
// it runs, and Home's "Check now" recovers an order whose webhook never came. The
// app runs its worker (WORKER=on); the Admin API stand-in holds the store's history.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { historyOrders, postHistory } from "../simulators/history-orders";
import { E2E_START_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, expectText, startE2E, waitForHydration, type E2E } from "./harness";
import { setUpPartners } from "./orders-given";

const SHOP = "history-a.myshopify.com";

describe("past orders in the browser", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ name: "history" });
    await setUpPartners(e2e, SHOP, ["testfreaks"]);
  }, E2E_START_TIMEOUT_MS);
  afterAll(() => e2e?.close());

  const backfillOf = (status?: string) => e2e.db.backfill.findFirst({ where: { shop: SHOP, ...(status ? { status } : {}) }, orderBy: { startedAt: "desc" } });

  it(
    "a backfill started on the partner's page sends the store's past orders and leaves a summary line there",
    async () => {
      await postHistory(e2e.standIns.shopifyAdmin.url, historyOrders(12, { from: new Date("2026-01-05T10:00:00Z"), firstId: 7_100_000_000_000n, namePrefix: "B" }));

      const page = await e2e.openEmbedded("/app/partners/testfreaks", { shop: SHOP });
      await expectText(page, "Send past orders");
      await page.getByLabel("Orders placed since").fill("2026-01-01");
      await page.getByRole("button", { name: "Start backfill" }).click();

      await expect.poll(async () => (await backfillOf())?.status, { timeout: 60_000, interval: 250 }).toBe("finished");
      const row = (await backfillOf("finished"))!;
      expect(row).toMatchObject({ partner: "testfreaks", ordersRead: 12, queued: 12, synced: 12, failed: 0 });
      const sent = await e2e.db.syncJob.count({ where: { shop: SHOP, partner: "testfreaks", backfillId: row.id, status: "synced" } });
      expect(sent).toBe(12);

      await page.reload({ waitUntil: "load" });
      const text = await expectText(page, "Backfill since 2026-01-01 for TestFreaks finished");
      expect(text).toContain("12 orders read");
      await e2e.screenshot(page, "backfill-finished");
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "a backfill started from Home shows its progress and can be cancelled while it runs",
    async () => {
      // TestFreaks answers slowly: the backfill is still sending when the merchant cancels it.
      e2e.standIns.testfreaks.knobs.latencyMs = 1_500;
      try {
        await postHistory(e2e.standIns.shopifyAdmin.url, historyOrders(10, { from: new Date("2026-02-10T10:00:00Z"), firstId: 7_200_000_000_000n, namePrefix: "C" }));
        const home = await e2e.openEmbedded("/app", { shop: SHOP });
        await expectText(home, "Send past orders");
        await home.getByLabel("Orders placed since").fill("2026-02-01");
        await home.getByRole("button", { name: "Start backfill" }).click();

        const running = await expectText(home, "Cancel backfill", 30_000);
        expect(running).toMatch(/Read\s*\d+/);
        expect(await home.getByRole("progressbar").count()).toBeGreaterThan(0);
        await e2e.screenshot(home, "backfill-running");
        await waitForHydration(home);
        await home.getByRole("button", { name: "Cancel backfill" }).click();

        await expect.poll(async () => (await backfillOf())?.status, { timeout: 30_000, interval: 250 }).toBe("cancelled");
        await expectText(home, /Backfill since 2026-02-01 for all partners was cancelled after/, 30_000);
      } finally {
        e2e.standIns.testfreaks.knobs.latencyMs = 0;
      }
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "Home's Check now recovers an order Shopify holds but never sent a webhook for",
    async () => {
      // Updated a minute ago: inside reconciliation's window, and never delivered to the app.
      const [missed] = historyOrders(1, { from: new Date(Date.now() - 2 * 60_000), firstId: 7_300_000_000_000n, namePrefix: "M" });
      await postHistory(e2e.standIns.shopifyAdmin.url, [missed!]);

      const home = await e2e.openEmbedded("/app", { shop: SHOP });
      await expectText(home, "Missed orders");
      await home.getByRole("button", { name: "Check now" }).click();

      await expectText(home, /1 missed order recovered/, 30_000);
      await expect.poll(() => e2e.db.syncJob.count({ where: { shop: SHOP, orderId: "7300000000000", status: "synced" } }), { timeout: 30_000, interval: 250 }).toBe(1);
      await e2e.screenshot(home, "reconcile-recovered");
    },
    E2E_TEST_TIMEOUT_MS,
  );
});
