// Browser scenarios of the sync log: real webhooks replayed into the built
// app, its worker syncing them to the simulators, the log read in Chromium.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { E2E_START_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, expectText, startE2E, type E2E } from "./harness";
import { settled, setUpPartners, shopifySends } from "./orders-given";

const SHOP = "log-a.myshopify.com";
const EMPTY_SHOP = "log-empty.myshopify.com";

// The demo's orders (scripts/demo-script.ts) that Reverb and TestFreaks both take, and the draft order they both skip.
const REPLAY = [
  ["orders/create", "orders-create.discount-code-cad"],
  ["orders/create", "orders-create.guest-discount-hkd"],
  ["orders/updated", "orders-updated.eur-fulfilled"],
  ["orders/updated", "orders-updated.tracking-delivered-usd"],
] as const;

/**
 * The log table's rows as the merchant reads them (a cell's last line: a badge
 * also carries its tone, e.g. "Success", for screen readers).
 */
async function tableRows(page: Page) {
  return page.$$eval("table tbody tr", (rows) => rows.map((row) => Array.from(row.querySelectorAll("td")).map((cell) => (cell as HTMLElement).innerText.trim().split("\n").at(-1)!.trim())));
}

describe("the sync log in the browser", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ name: "log" });
    await setUpPartners(e2e, SHOP);
    await setUpPartners(e2e, EMPTY_SHOP, ["testfreaks"]);
  }, E2E_START_TIMEOUT_MS);
  afterAll(() => e2e?.close());

  it(
    "after a webhook replay, lists every order with a row per partner and its outcome; filters and search narrow it",
    async () => {
      // Given Shopify sends four orders and the worker has dealt with them
      for (const [topic, fixture] of REPLAY) await shopifySends(e2e, SHOP, topic, fixture);
      const jobs = await settled(e2e, SHOP);
      expect(jobs).toHaveLength(8);

      // When the merchant opens the sync log
      const page = await e2e.openEmbedded("/app/log", { shop: SHOP });
      await expectText(page, "#23301");
      const rows = await tableRows(page);

      // Then each order shows once per partner, with what the partner made of it
      const seen = rows.map(([order, partner, status]) => `${order} ${partner} ${status}`).sort();
      expect(seen).toEqual(
        [
          "#1001 Reverb Synced",
          "#1001 TestFreaks Synced",
          "#1071 Reverb Skipped",
          "#1071 TestFreaks Skipped",
          "#2672 Reverb Synced",
          "#2672 TestFreaks Synced",
          "#23301 Reverb Synced",
          "#23301 TestFreaks Synced",
        ].sort(),
      );
      // A skipped row says why
      expect(rows.find(([order, partner]) => order === "#1071" && partner === "Reverb")?.[4]).toMatch(/email/i);
      await e2e.screenshot(page, "log-after-replay");

      // When the merchant keeps only what was skipped
      await page.goto(e2e.embeddedUrl("/app/log", { shop: SHOP, query: { status: "skipped" } }));
      await expectText(page, "Status: Skipped");
      const skipped = await tableRows(page);
      expect(skipped.map(([order, , status]) => `${order} ${status}`)).toEqual(["#1071 Skipped", "#1071 Skipped"]);
      await e2e.screenshot(page, "log-filtered-skipped");

      // When the merchant searches for an order by name
      await page.goto(e2e.embeddedUrl("/app/log", { shop: SHOP }));
      await expectText(page, "#23301");
      await page.getByPlaceholder("Search by order name, e.g. #1001").fill("2672");
      await page.waitForFunction(() => document.querySelectorAll("table tbody tr").length === 2, undefined, { timeout: 10_000 });
      expect((await tableRows(page)).map(([order, partner]) => `${order} ${partner}`).sort()).toEqual(["#2672 Reverb", "#2672 TestFreaks"]);
      expect(page.url()).toContain("q=2672");
      await e2e.screenshot(page, "log-search");

      // And an order name that does not exist says so
      await page.getByPlaceholder("Search by order name, e.g. #1001").fill("#99999");
      await expectText(page, "No orders match");

      // And the order name opens the order
      await page.goto(e2e.embeddedUrl("/app/log", { shop: SHOP, query: { q: "23301" } }));
      await page.getByRole("link", { name: "#23301" }).first().click();
      await expectText(page, "Order #23301");
      expect(page.url()).toContain("/app/orders/2628173987889");
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "a shop with no order yet sees an empty state, and never another shop's orders",
    async () => {
      const page = await e2e.openEmbedded("/app/log", { shop: EMPTY_SHOP });
      await expectText(page, "No orders synced yet");
      expect(await tableRows(page)).toEqual([]);
      expect(await page.getByRole("link", { name: /^#\d+/ }).count()).toBe(0);
      await e2e.screenshot(page, "log-empty");
    },
    E2E_TEST_TIMEOUT_MS,
  );
});
