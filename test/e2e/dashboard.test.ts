// Browser scenarios of the home page: the first-run checklist, partner cards
// with counts over a window, the synced vs failed chart drawn from real sync
// attempts, and "Retry failed orders".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_START_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, expectText, startE2E, type E2E } from "./harness";
import { settled, setUpPartners, shopifySends } from "./orders-given";

const FRESH_SHOP = "dash-fresh.myshopify.com";
const SHOP = "dash-a.myshopify.com";

describe("the dashboard in the browser", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ name: "dashboard" });
    await e2e.installShop(FRESH_SHOP);
    await setUpPartners(e2e, SHOP);
  }, E2E_START_TIMEOUT_MS);
  afterAll(() => e2e?.close());

  it(
    "first run: nothing set up shows the checklist, each step linking to its partner's settings",
    async () => {
      const page = await e2e.openEmbedded("/app", { shop: FRESH_SHOP });
      const text = await expectText(page, "Get started");
      expect(text).toContain("No partner is connected yet");
      for (const name of ["Reverb", "Revers.io", "TestFreaks"]) expect(text).toContain(`Connect ${name}`);
      expect(text).toContain("No order was synced or failed in the last 14 days.");
      await e2e.screenshot(page, "dashboard-first-run");

      await page.getByRole("link", { name: "Set up TestFreaks" }).first().click();
      await expectText(page, "TestFreaks is not set up yet");
      expect(new URL(page.url()).pathname).toBe("/app/partners/testfreaks");
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "with orders synced and one failed: cards count them, the chart draws them, and Retry failed orders sends it again",
    async () => {
      // Given three orders synced to both partners, TestFreaks refusing one of them once
      e2e.standIns.testfreaks.knobs.failNext = { count: 1, status: 400, body: { errors: ["Item id is not in the product feed"] } };
      await shopifySends(e2e, SHOP, "orders/create", "orders-create.discount-code-cad");
      await settled(e2e, SHOP);
      await shopifySends(e2e, SHOP, "orders/updated", "orders-updated.eur-fulfilled");
      await shopifySends(e2e, SHOP, "orders/updated", "orders-updated.tracking-delivered-usd");
      const jobs = await settled(e2e, SHOP);
      expect(jobs.filter((j) => j.status === "failed")).toHaveLength(1);

      // When the merchant opens the dashboard
      const page = await e2e.openEmbedded("/app", { shop: SHOP });
      const text = await expectText(page, "Orders by partner, last 7 days");
      expect(text).not.toContain("Get started");

      // Then each card counts its partner's orders
      const card = async (name: string) =>
        (
          await page
            .locator(".Polaris-ShadowBevel")
            .filter({ has: page.getByRole("heading", { name, exact: true, level: 3 }) })
            .first()
            .innerText()
        ).replace(/\s+/g, " ");
      expect(await card("TestFreaks")).toMatch(/Synced 2 Failed 1 Waiting 0 Skipped 0/);
      expect(await card("Reverb")).toMatch(/Synced 3 Failed 0/);
      expect(await card("Revers.io")).toContain("Not set up");

      // And the chart draws today's bars: 5 synced, 1 failed, as the attempt log says
      const chart = page.locator("[data-testid=activity-chart]");
      await chart.locator("svg").first().waitFor({ timeout: 20_000 });
      const today = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date());
      const chartText = await chart.innerText();
      expect(chartText).toContain(today);
      expect(chartText).toContain("Synced");
      expect(chartText).toContain("Failed");
      // polaris-viz labels each day's bar group for screen readers: the drawn values.
      const todaysBars = chart.locator(`g[data-type=BarGroup][aria-label^="${today}:"]`);
      expect(await todaysBars.getAttribute("aria-label")).toBe(`${today}: Synced 5,Failed 1`);
      const yesterday = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(Date.now() - 86_400_000));
      expect(await chart.locator(`g[data-type=BarGroup][aria-label^="${yesterday}:"]`).getAttribute("aria-label")).toBe(`${yesterday}: Synced 0,Failed 0`);
      expect(await chart.locator("g[data-type=BarGroup][aria-label]").count()).toBe(14);
      await e2e.screenshot(page, "dashboard-chart");

      // When the window changes to 24 hours, the URL says so and the counts stay (everything happened today)
      await page.getByRole("button", { name: "24 hours" }).click();
      await expectText(page, "Orders by partner, last 24 hours");
      expect(page.url()).toContain("window=24h");
      expect(await card("TestFreaks")).toMatch(/Synced 2 Failed 1/);

      // When the merchant retries TestFreaks' failed orders
      await page.getByRole("button", { name: "Retry failed TestFreaks orders" }).click();
      await expectText(page, "1 failed order queued for TestFreaks.");
      await settled(e2e, SHOP);
      const again = await e2e.openEmbedded("/app", { shop: SHOP, query: { window: "24h" } });
      await expectText(again, "Orders by partner, last 24 hours");
      const testfreaks = (
        await again
          .locator(".Polaris-ShadowBevel")
          .filter({ has: again.getByRole("heading", { name: "TestFreaks", exact: true, level: 3 }) })
          .first()
          .innerText()
      ).replace(/\s+/g, " ");
      expect(testfreaks).toMatch(/Synced 3 Failed 0/);
      await e2e.screenshot(again, "dashboard-after-retry");
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "a partner paused for its credentials says so on its card, with the reason",
    async () => {
      const reason = "Reverb refused the credentials: Reverb answered 401: Unauthorized";
      await e2e.db.partnerConfig.update({ where: { shop_partner: { shop: SHOP, partner: "reverb" } }, data: { holdReason: "credentials_refused", pausedReason: reason, pausedAt: new Date() } });
      const page = await e2e.openEmbedded("/app", { shop: SHOP });
      const text = await expectText(page, "Paused: credentials");
      expect(text).toContain(reason);
      expect(text).toContain("Update the credentials");
      await e2e.screenshot(page, "dashboard-paused");
    },
    E2E_TEST_TIMEOUT_MS,
  );
});
