// Browser scenarios of what the merchant is told and can download: the alert
// banner on every page (dismissing a failures one), the Alerts page's email
// switch, and a customer's data request downloaded as JSON.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raiseAlert } from "~/sync/alerts.server";
import { pausePartner } from "~/sync/partner-config.server";
import { E2E_START_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, expectText, startE2E, waitForHydration, type E2E } from "./harness";
import { settled, setUpPartners, shopifySends } from "./orders-given";

const SHOP = "alerts-a.myshopify.com";

describe("alerts and data requests in the browser", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ name: "alerts-data-requests" });
    await setUpPartners(e2e, SHOP);
  }, E2E_START_TIMEOUT_MS);
  afterAll(() => e2e?.close());

  it(
    "an open incident shows as a banner on every page; a failures one can be dismissed; the Alerts page turns email off",
    async () => {
      await pausePartner(e2e.db, SHOP, "testfreaks", "TestFreaks refused the credentials: 401 Unauthorized");
      await raiseAlert(e2e.db, SHOP, "testfreaks", "credentials_refused", new Date());
      await raiseAlert(e2e.db, SHOP, "reverb", "failures", new Date(), 6);

      const page = await e2e.openEmbedded("/app/log", { shop: SHOP });
      await expectText(page, "Sync log");
      const text = await expectText(page, "TestFreaks refused the saved credentials");
      expect(text).toContain("Reverb is failing");
      expect(text).toContain("6 attempts to send orders to Reverb failed within an hour");
      await e2e.screenshot(page, "alerts-banners");

      // Dismissing the failures banner: gone now and after a reload; the credentials one stays.
      await waitForHydration(page);
      const failing = page.locator(".Polaris-Banner").filter({ hasText: "Reverb is failing" });
      await failing.getByRole("button", { name: /dismiss/i }).click();
      await expect.poll(async () => (await e2e.db.alert.findFirstOrThrow({ where: { shop: SHOP, partner: "reverb" } })).resolvedBy).toBe("merchant_dismissed");
      const home = await e2e.openEmbedded("/app", { shop: SHOP });
      const homeText = await expectText(home, "TestFreaks refused the saved credentials");
      expect(homeText).not.toContain("Reverb is failing");

      const alerts = await e2e.openEmbedded("/app/alerts", { shop: SHOP });
      const alertsText = await expectText(alerts, "Email me when a partner needs attention");
      expect(alertsText).toContain("Resolved");
      expect(alertsText).toContain("no mail server configured");
      await waitForHydration(alerts);
      await alerts.getByLabel("Email me when a partner needs attention").click();
      await expect.poll(async () => (await e2e.db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).alertEmails).toBe(false);
      await e2e.screenshot(alerts, "alerts-page");
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "a customer's data request is listed and downloads as JSON with their order",
    async () => {
      await shopifySends(e2e, SHOP, "orders/create", "orders-create.discount-code-cad");
      await settled(e2e, SHOP);
      const body = JSON.stringify({
        shop_id: 1,
        shop_domain: SHOP,
        customer: { id: 7156883718400, email: "jane.doe+shopifytest@example.com", phone: null },
        orders_requested: [5492763623680],
        data_request: { id: 42 },
      });
      expect((await e2e.postWebhook("customers/data_request", SHOP, body)).status).toBe(200);

      const page = await e2e.openEmbedded("/app/data-requests", { shop: SHOP });
      const text = await expectText(page, "Customer 7156883718400");
      expect(text).toContain("Download JSON");
      await e2e.screenshot(page, "data-requests");
      await waitForHydration(page);
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download JSON" }).click()]);
      expect(download.suggestedFilename()).toMatch(/^data-request-\d{4}-\d{2}-\d{2}-.+\.json$/);
      const exported = JSON.parse(readFileSync((await download.path())!, "utf8")) as { orders: { orderName: string; snapshot: { email: string } }[] };
      expect(exported.orders.map((o) => o.orderName)).toEqual(["#1001"]);
      expect(exported.orders[0]!.snapshot.email).toBe("jane.doe+shopifytest@example.com");
    },
    E2E_TEST_TIMEOUT_MS,
  );
});
