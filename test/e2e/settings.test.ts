// Browser scenarios of the partner settings pages, against the built app, its
// worker and the TestFreaks simulator, through the local App Bridge stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { connectors } from "~/connectors/registry";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID } from "../simulators/testfreaks";
import { E2E_START_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, expectText, startE2E, type E2E } from "./harness";

const SHOP_A = "settings-a.myshopify.com";
const SHOP_B = "settings-b.myshopify.com";
const WRONG_KEY = "sk_live_not_the_right_one";

describe("partner settings in the browser", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ name: "settings" });
    await e2e.installShop(SHOP_A);
    await e2e.installShop(SHOP_B);
  }, E2E_START_TIMEOUT_MS);
  afterAll(() => e2e?.close());

  const html = (page: Page) => page.content();

  it(
    "first run: TestFreaks with a wrong key is refused, the right key is valid, and once saved the page shows the key as set, never its value",
    async () => {
      // Given a shop that has set up nothing
      const page = await e2e.openEmbedded("/app/partners/testfreaks", { shop: SHOP_A });
      await expectText(page, "TestFreaks is not set up yet");
      await e2e.screenshot(page, "settings-testfreaks-first-run");

      // When the merchant tests a key that is not a TestFreaks key at all
      await page.getByLabel("API key").fill("not-a-key");
      await page.getByLabel("Client id").fill(TESTFREAKS_SIM_CLIENT_ID);
      await page.getByRole("button", { name: "Test connection" }).click();
      // Then the field says what is wrong, from the server's validation
      await expectText(page, "The TestFreaks API key starts with sk_: paste the whole key.");
      await e2e.screenshot(page, "settings-testfreaks-field-message");

      // When the key has the right form but TestFreaks refuses it
      await page.getByLabel("API key").fill(WRONG_KEY);
      await page.getByRole("button", { name: "Test connection" }).click();
      const refused = await expectText(page, "Invalid credentials: TestFreaks refused them");
      expect(refused).not.toContain("Connection works");
      await e2e.screenshot(page, "settings-testfreaks-invalid-credentials");

      // When the merchant pastes the right key
      await page.getByLabel("API key").fill(TESTFREAKS_SIM_API_KEY);
      await page.getByRole("button", { name: "Test connection" }).click();
      const valid = await expectText(page, "Connection works: TestFreaks accepted these credentials");
      expect(valid).not.toContain("Invalid credentials");
      // Testing stored nothing
      expect(await e2e.db.partnerConfig.count({ where: { shop: SHOP_A } })).toBe(0);
      await e2e.screenshot(page, "settings-testfreaks-valid");

      // And saves
      await page.getByRole("button", { name: "Save", exact: true }).click();
      const saved = await expectText(page, /A value is set — changed \d+ \w+ \d{4}/);
      expect(saved).toContain("TestFreaks settings saved.");
      expect(saved).toContain("Active");
      expect(await page.getByLabel("API key").inputValue()).toBe("");
      expect(await page.getByLabel("Client id").inputValue()).toBe(TESTFREAKS_SIM_CLIENT_ID);
      expect(await html(page)).not.toContain(TESTFREAKS_SIM_API_KEY);
      await e2e.screenshot(page, "settings-testfreaks-saved");

      // Then the store holds the settings, the key encrypted
      const row = await e2e.db.partnerConfig.findUniqueOrThrow({ where: { shop_partner: { shop: SHOP_A, partner: "testfreaks" } } });
      expect(row.enabled).toBe(true);
      expect(row.secrets).not.toContain(TESTFREAKS_SIM_API_KEY);
      expect(row.settings).not.toContain(TESTFREAKS_SIM_API_KEY);

      // And a fresh visit shows the key as set, not its value
      const again = await e2e.openEmbedded("/app/partners/testfreaks", { shop: SHOP_A });
      await expectText(again, /A value is set — changed/);
      expect(await again.getByLabel("API key").inputValue()).toBe("");
      expect(await html(again)).not.toContain(TESTFREAKS_SIM_API_KEY);
      // Nor does any data request of the page carry it (Remix's client data for the route)
      const data = await again.evaluate(async () => (await fetch(`${location.pathname}.data?_routes=routes/app.partners.$partner`)).text());
      expect(data).toContain(TESTFREAKS_SIM_CLIENT_ID);
      expect(data).not.toContain(TESTFREAKS_SIM_API_KEY);
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "a token for another shop never shows this shop's settings, even when the URL names this shop",
    async () => {
      // Given shop A has TestFreaks set up (the scenario above, or here if run alone)
      await savePartnerConfig(e2e.db, e2e.ctx.keyring, SHOP_A, connectors.testfreaks, { apiKey: TESTFREAKS_SIM_API_KEY, clientId: "shop-a-client.example" });

      // When shop B's staff open the page with their own token, the URL saying shop A
      const page = await e2e.openEmbedded("/app/partners/testfreaks", { shop: SHOP_B, query: { shop: SHOP_A } });
      const text = await expectText(page, "TestFreaks is not set up yet");
      await e2e.screenshot(page, "settings-testfreaks-other-shop");

      // Then nothing of shop A's appears
      const content = await html(page);
      expect(text).not.toContain("A value is set");
      expect(content).not.toContain("shop-a-client.example");
      expect(content).not.toContain(TESTFREAKS_SIM_API_KEY);

      // And shop A's own page does show it (the check above can fail)
      const own = await e2e.openEmbedded("/app/partners/testfreaks", { shop: SHOP_A });
      await expectText(own, /A value is set/);
      expect(await own.getByLabel("Client id").inputValue()).toBe("shop-a-client.example");
    },
    E2E_TEST_TIMEOUT_MS,
  );
});
