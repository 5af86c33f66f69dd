// The merchant's first step, in the browser: installing from the Shopify admin.
// No CLI install: the shop is unknown until its admin opens the app, which then
// installs itself through token exchange with Shopify's token endpoint (the
// Admin API stand-in), as a public app under Shopify's managed installation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify";
import { TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID } from "../simulators/testfreaks";
import { E2E_START_TIMEOUT_MS, expectText, startE2E, type E2E } from "./harness";
import { settled, shopifySends } from "./orders-given";

const SHOP = "fresh-install.myshopify.com";
const ORDER_23301 = "2628173987889";
const ORDER_1001 = "5492763623680";

describe("installing from the Shopify admin", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ name: "install" });
  }, E2E_START_TIMEOUT_MS);
  afterAll(() => e2e?.close());

  it("a shop never seen installs by opening the app, syncs an order, and after an uninstall and a reinstall syncs again without new settings", async () => {
    expect(await e2e.db.shop.count({ where: { shop: SHOP } })).toBe(0);

    // When the merchant opens the app from the Shopify admin for the first time
    const home = await e2e.openEmbedded("/app", { shop: SHOP });
    const first = await expectText(home, "Get started");
    expect(first).toContain("No partner is connected yet");
    await e2e.screenshot(home, "install-first-run");

    // Then the shop is installed with an expiring offline token and its refresh token
    const session = await e2e.db.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } });
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(e2e.standIns.shopifyAdmin.oauth.check(SHOP, session.accessToken)).toBe("valid");
    expect((await e2e.db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).uninstalledAt).toBeNull();

    // When the merchant connects TestFreaks from the checklist
    await home.getByRole("link", { name: "Set up TestFreaks" }).first().click();
    await home.waitForURL((url) => url.pathname === "/app/partners/testfreaks");
    await home.getByLabel("API key").fill(TESTFREAKS_SIM_API_KEY);
    await home.getByLabel("Client id").fill(TESTFREAKS_SIM_CLIENT_ID);
    await home.getByRole("button", { name: "Save", exact: true }).click();
    await expectText(home, "TestFreaks settings saved.");

    // And Shopify sends an order
    await shopifySends(e2e, SHOP, "orders/updated", "orders-updated.tracking-delivered-usd");
    expect((await settled(e2e, SHOP)).map((j) => [j.orderId, j.status])).toEqual([[ORDER_23301, "synced"]]);
    const order = await e2e.openEmbedded(`/app/orders/${ORDER_23301}`, { shop: SHOP });
    await expectText(order, "Invited after delivery");
    await e2e.screenshot(order, "install-order-synced");

    // When the merchant uninstalls the app: Shopify revokes its tokens and says so
    e2e.standIns.shopifyAdmin.oauth.revokeShop(SHOP);
    const uninstalled = await e2e.postWebhook("app/uninstalled", SHOP, JSON.stringify({ ...(JSON.parse(loadFixture("app-uninstalled.sample")) as object), myshopify_domain: SHOP }));
    expect(uninstalled.status).toBe(200);
    expect(await e2e.db.session.count({ where: { shop: SHOP } })).toBe(0);
    // An order placed meanwhile is answered, and not kept
    await shopifySends(e2e, SHOP, "orders/create", "orders-create.discount-code-cad");
    expect(await e2e.db.orderSnapshot.count({ where: { shop: SHOP, orderId: ORDER_1001 } })).toBe(0);

    // And reinstalls it, which opens the app again
    const again = await e2e.openEmbedded("/app", { shop: SHOP });
    const back = await expectText(again, "Orders by partner");
    expect(back).not.toContain("Get started");
    expect(back).not.toMatch(/uninstalled/i);
    await e2e.screenshot(again, "install-reinstalled");

    // Then a new order syncs with the settings the merchant saved before
    await shopifySends(e2e, SHOP, "orders/create", "orders-create.discount-code-cad");
    const jobs = await settled(e2e, SHOP);
    expect(jobs.map((j) => [j.orderId, j.partner, j.status])).toEqual([
      [ORDER_23301, "testfreaks", "synced"],
      [ORDER_1001, "testfreaks", "synced"],
    ]);
    const grants = e2e.standIns.shopifyAdmin.oauth.grants.filter((g) => g.shop === SHOP).map((g) => `${g.grant}:${g.outcome}`);
    expect(grants).toEqual(["token_exchange:issued", "token_exchange:issued"]);
  }, 120_000);
});
