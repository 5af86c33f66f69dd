// Browser scenarios of the partner settings pages, against the built app, its
// worker and the TestFreaks simulator, through the local App Bridge stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { connectors } from "~/connectors/registry";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID } from "../simulators/testfreaks";
import { REVERSIO_SIM_KEYS } from "../simulators/reversio";
import { E2E_START_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, expectText, startE2E, type E2E } from "./harness";

const SHOP_A = "settings-a.myshopify.com";
const SHOP_B = "settings-b.myshopify.com";
const SHOP_C = "settings-c.myshopify.com";
const WRONG_KEY = "sk_live_not_the_right_one";
const MODEL_ID = "3f1c2a9e-8d4b-4c1e-9a7f-2b6d5e8c0a11";

describe("partner settings in the browser", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ name: "settings" });
    await e2e.installShop(SHOP_A);
    await e2e.installShop(SHOP_B);
    await e2e.installShop(SHOP_C);
  }, E2E_START_TIMEOUT_MS);
  afterAll(() => e2e?.close());

  const html = (page: Page) => page.content();

  it(
    "first run: TestFreaks with a wrong key is refused, the right key is valid, and once saved the page shows the key as set, never its value",
    async () => {
      // Given a shop that has set up nothing: the dashboard's first-run checklist leads to the settings
      const page = await e2e.openEmbedded("/app", { shop: SHOP_A });
      await expectText(page, "Set up TestFreaks");
      await e2e.screenshot(page, "settings-first-run-dashboard");
      await page.getByRole("link", { name: "Set up TestFreaks" }).first().click();
      await page.waitForURL((url) => url.pathname === "/app/partners/testfreaks");
      await expectText(page, "TestFreaks is not set up yet");
      await e2e.screenshot(page, "settings-testfreaks-first-run");

      // When the merchant tests a key that is certainly not a TestFreaks key (a sentence pasted)
      await page.getByLabel("API key").fill("not a key");
      await page.getByLabel("Client id").fill(TESTFREAKS_SIM_CLIENT_ID);
      await page.getByRole("button", { name: "Test connection" }).click();
      // Then the field says what is wrong, from the server's validation
      await expectText(page, "A TestFreaks API key has no spaces or line breaks inside: paste the key alone.");
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

  it(
    "Revers.io: a partner paused for its credentials says why; the merchant maps a SKU to a model and edits it",
    async () => {
      // Given Revers.io set up for shop C and paused after a refusal
      expect((await savePartnerConfig(e2e.db, e2e.ctx.keyring, SHOP_C, connectors.reversio, { ...REVERSIO_SIM_KEYS, environment: "sandbox" })).ok).toBe(true);
      const reason = "Revers.io refused the subscription key (401). Enter new credentials to resume.";
      await e2e.db.partnerConfig.update({ where: { shop_partner: { shop: SHOP_C, partner: "reversio" } }, data: { holdReason: "credentials_refused", pausedReason: reason, pausedAt: new Date() } });

      const page = await e2e.openEmbedded("/app/partners/reversio", { shop: SHOP_C });
      const text = await expectText(page, "Syncing to Revers.io is paused");
      expect(text).toContain(reason);
      expect(text).toContain("No SKUs mapped yet");
      await e2e.screenshot(page, "settings-reversio-paused");

      // When the merchant maps a SKU to something that is not a model id
      await page.getByLabel("SKU", { exact: true }).fill("TEE-BLUE-M");
      await page.getByLabel("Revers.io model id").fill("blue tee");
      await page.getByRole("button", { name: "Save mapping" }).click();
      await expectText(page, "A Revers.io model id is a UUID");

      // Then with a real one
      await page.getByLabel("Revers.io model id").fill(MODEL_ID);
      await page.getByRole("button", { name: "Save mapping" }).click();
      const mapped = await expectText(page, "Set by you");
      expect(mapped).toContain("TEE-BLUE-M");
      expect(mapped).toContain(MODEL_ID);
      const cached = await e2e.db.partnerCache.findUniqueOrThrow({ where: { shop_partner_kind_key: { shop: SHOP_C, partner: "reversio", kind: "model", key: "TEE-BLUE-M" } } });
      expect(cached).toMatchObject({ value: MODEL_ID, pinned: true });

      // And Edit puts the row back in the form
      await page.getByRole("button", { name: "Edit the mapping of TEE-BLUE-M" }).click();
      expect(await page.getByLabel("SKU", { exact: true }).inputValue()).toBe("TEE-BLUE-M");
      expect(await page.getByLabel("Revers.io model id").inputValue()).toBe(MODEL_ID);
      await e2e.screenshot(page, "settings-reversio-mapping");
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "Reverb: bad UUIDs get field messages; the navigation moves between partners inside the app",
    async () => {
      const page = await e2e.openEmbedded("/app/partners/reverb", { shop: SHOP_C });
      await expectText(page, "Reverb is not set up yet");
      await page.getByLabel("Consumer key").fill("ck_1");
      await page.getByLabel("Consumer secret").fill("cs_1");
      await page.getByLabel("Website UUID").fill("my website");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      const text = await expectText(page, "Website UUID contains spaces or line breaks: paste only the id");
      expect(text).toContain("Campaign UUID is required");
      expect(text).toContain("Some settings need your attention.");
      expect(await e2e.db.partnerConfig.count({ where: { shop: SHOP_C, partner: "reverb" } })).toBe(0);
      await e2e.screenshot(page, "settings-reverb-field-messages");

      // The nav bar's links load the next page's data with the session token (no full reload)
      await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
      await page.getByRole("link", { name: "TestFreaks" }).click();
      await expectText(page, "TestFreaks is not set up yet");
      expect(new URL(page.url()).pathname).toBe("/app/partners/testfreaks");
      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "a reload of a page reached inside the app (no token in its URL) comes back through the bounce page with the token",
    async () => {
      const page = await e2e.openEmbedded("/app/partners/reverb", { shop: SHOP_C });
      await page.getByRole("link", { name: "Revers.io" }).click();
      await page.waitForURL((url) => url.pathname === "/app/partners/reversio");
      await expectText(page, "SKU → model mapping");
      // The URL the app navigated to keeps no id_token; a document load of it must authenticate again.
      const url = new URL(page.url());
      url.search = new URLSearchParams({ embedded: "1", shop: SHOP_C, host: new URL(e2e.embeddedUrl("/", { shop: SHOP_C })).searchParams.get("host")! }).toString();
      await page.goto(url.toString());
      await expectText(page, "SKU → model mapping");
      expect(new URL(page.url()).searchParams.get("id_token")).toBeTruthy();
    },
    E2E_TEST_TIMEOUT_MS,
  );
});
