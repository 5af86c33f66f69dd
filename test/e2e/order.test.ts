// Browser scenarios of the order page against the built app, its worker, the
// partner simulators and the Admin API stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReverbClient } from "~/connectors/reverb";
import { silentLogger } from "~/logger";
import { REVERB_SIM_DEFAULTS } from "../simulators/reverb";
import { E2E_START_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, expectText, startE2E, type E2E } from "./harness";
import { settled, setUpPartners, shopifySends } from "./orders-given";

const SHOP = "orders-a.myshopify.com";
const OTHER_SHOP = "orders-b.myshopify.com";
const ORDER_23301 = "2628173987889";
const ORDER_1001 = "5492763623680";
const REFUSAL = "customer.email is not accepted for this client";

describe("the order page in the browser", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ name: "order" });
    await setUpPartners(e2e, SHOP);
    await setUpPartners(e2e, OTHER_SHOP, ["testfreaks"]);
  }, E2E_START_TIMEOUT_MS);
  afterAll(() => e2e?.close());

  it(
    "a partner refuses the order: the page shows the error and the attempts; once fixed, Resync moves it to synced without a reload",
    async () => {
      // Given TestFreaks refuses the next order it is sent
      e2e.standIns.testfreaks.knobs.failNext = { count: 1, status: 400, body: { errors: [REFUSAL] } };
      await shopifySends(e2e, SHOP, "orders/updated", "orders-updated.tracking-delivered-usd");
      const jobs = await settled(e2e, SHOP);
      expect(jobs.find((j) => j.partner === "testfreaks")?.status).toBe("failed");

      // When the merchant opens the order
      const page = await e2e.openEmbedded(`/app/orders/${ORDER_23301}`, { shop: SHOP });
      const failedText = await expectText(page, `TestFreaks answered 400: ${REFUSAL}`);
      // Then each partner's status, the error and the attempt list show
      expect(failedText).toContain("Order #23301");
      expect(failedText).toContain("Last error");
      expect(failedText).toMatch(/Attempts[\s\S]*HTTP status[\s\S]*400[\s\S]*Failed/);
      expect(failedText).toContain("Synced"); // Reverb took it
      expect(failedText).toContain("Revers.io is not connected");
      await e2e.screenshot(page, "order-failed");

      // And the support view of what Reverb accepted masks the buyer
      await page.getByRole("button", { name: "Show the last request sent (for support)" }).first().click();
      const sent = await expectText(page, "Personal data and secrets are masked");
      expect(sent).toContain('"order_number": "#23301"');
      expect(sent).not.toContain("jane.doe@example.com");
      await e2e.screenshot(page, "order-last-sent");

      // When the partner is fixed (the knob cleared itself) and the merchant resyncs TestFreaks
      await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
      await page.getByRole("button", { name: "Resync TestFreaks" }).click();
      await expectText(page, "#23301 is queued for TestFreaks");
      // Then the page follows the job to its outcome by itself
      const syncedText = await expectText(page, "Invited after delivery", 30_000);
      expect(syncedText).not.toContain(`TestFreaks answered 400: ${REFUSAL}\nAttempts`);
      await page.waitForFunction(() => !document.body.innerText.includes("This page updates by itself"), undefined, { timeout: 20_000 });
      const after = await page.evaluate(() => document.body.innerText);
      expect(after).toMatch(/Attempts[\s\S]*Accepted[\s\S]*Failed/);
      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      const job = await e2e.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, orderId: ORDER_23301, partner: "testfreaks" } });
      expect(job.status).toBe("synced");
      await e2e.screenshot(page, "order-resynced");
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "credits a referrer in Reverb: a bad email gets a field message, an unknown one says so, a known one shows the referral",
    async () => {
      await shopifySends(e2e, SHOP, "orders/create", "orders-create.discount-code-cad");
      await settled(e2e, SHOP);
      const reverb = createReverbClient(
        { fetch, now: () => new Date(), logger: silentLogger, baseUrl: e2e.standIns.reverb.url },
        { ...REVERB_SIM_DEFAULTS, referrerEmailAttribute: "r", referrerLevelAttribute: "l" },
      );
      await reverb.createCustomer({ website_uuid: REVERB_SIM_DEFAULTS.websiteUuid, email: "ada.advocate@example.com", first_name: "Ada", last_name: "Advocate" });

      const page = await e2e.openEmbedded(`/app/orders/${ORDER_1001}`, { shop: SHOP });
      await expectText(page, "No referrer is credited for this order.");

      await page.getByLabel("Referrer's email").fill("not an email");
      await page.getByRole("button", { name: "Credit referrer" }).click();
      await expectText(page, "Enter an email address like name@example.com");

      await page.getByLabel("Referrer's email").fill("nobody@example.com");
      await page.getByRole("button", { name: "Credit referrer" }).click();
      await expectText(page, "Reverb has no advocate with this email");

      await page.getByLabel("Referrer's email").fill("ada.advocate@example.com");
      await page.getByRole("button", { name: "Credit referrer" }).click();
      await expectText(page, "was credited for this order in Reverb");
      const text = await expectText(page, "Reward not paid yet");
      expect(text).not.toContain("No referrer is credited for this order.");
      await e2e.screenshot(page, "order-referrer-credited");
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "when Shopify cannot be read, Resync says so and sends nothing",
    async () => {
      await shopifySends(e2e, SHOP, "orders/create", "orders-create.discount-code-cad");
      await settled(e2e, SHOP);
      const before = await e2e.db.syncJob.findMany({ where: { shop: SHOP, orderId: ORDER_1001 }, orderBy: { partner: "asc" } });
      const page = await e2e.openEmbedded(`/app/orders/${ORDER_1001}`, { shop: SHOP });
      await expectText(page, "Order #1001");

      // Shopify's Admin API is down for the next call: the order's re-read
      e2e.standIns.shopifyAdmin.knobs.failNext = { count: 1, status: 503 };
      await page.getByRole("button", { name: "Resync all partners" }).click();
      const text = await expectText(page, "Not resynced");
      expect(text).toContain("#1001 was not resynced. Could not read the order from Shopify: Shopify answered HTTP 503");
      await e2e.screenshot(page, "order-resync-shopify-down");

      const after = await e2e.db.syncJob.findMany({ where: { shop: SHOP, orderId: ORDER_1001 }, orderBy: { partner: "asc" } });
      expect(after.map((j) => [j.status, j.generation])).toEqual(before.map((j) => [j.status, j.generation]));
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "another shop's order URL answers not found, and so does its status",
    async () => {
      // Shop A's order exists (the scenarios above, or here if run alone)
      await shopifySends(e2e, SHOP, "orders/create", "orders-create.discount-code-cad");
      const page = await e2e.openEmbedded(`/app/orders/${ORDER_1001}`, { shop: OTHER_SHOP });
      const text = await expectText(page, "Page not found");
      // The document itself answers 404, as for an order that never existed
      const response = await page.goto(e2e.embeddedUrl(`/app/orders/${ORDER_1001}`, { shop: OTHER_SHOP }));
      expect(response?.status()).toBe(404);
      const unknown = await page.goto(e2e.embeddedUrl("/app/orders/1234567890", { shop: SHOP }));
      expect(unknown?.status()).toBe(404);
      await expectText(page, "Page not found");
      await page.goto(e2e.embeddedUrl(`/app/orders/${ORDER_1001}`, { shop: OTHER_SHOP }));
      expect(text).not.toContain("#1001");
      await e2e.screenshot(page, "order-other-shop-not-found");

      const status = await page.evaluate(async (id) => {
        const res = await fetch(`/api/orders/${id}/status`);
        return { status: res.status, body: await res.text() };
      }, ORDER_1001);
      expect(status.status).toBe(404);
      expect(status.body).not.toContain("#1001");

      // The same URL with shop A's token shows the order (the check above can fail)
      const own = await e2e.openEmbedded(`/app/orders/${ORDER_1001}`, { shop: SHOP });
      await expectText(own, "Order #1001");
    },
    E2E_TEST_TIMEOUT_MS,
  );
});
