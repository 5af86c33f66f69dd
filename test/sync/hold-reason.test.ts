import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify";
import { fakeClock, type Harness } from "../support/harness";
import { TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID, type TestfreaksSimulator } from "../simulators/testfreaks";
import type { Worker } from "~/sync/worker.server";
import { savePartnerConfig, setPartnerEnabled } from "~/sync/partner-config.server";
import { markInstalled } from "~/sync/compliance.server";
import { refreshShopAlerts } from "~/sync/alerts.server";
import { testfreaksConnector } from "~/connectors/testfreaks";
import { installShopLocally } from "~/shopify/install.server";
import { installShopWithPartners, SHOP, startClockedPipeline, withUpdatedAt, type Pipeline } from "./fixtures";

// Why a job or a partner is held is a column (SyncJob.holdReason, PartnerConfig.holdReason):
// what releases a hold finds the rows by it, whatever sentence lastError or pausedReason holds
// by then (reworded in a later release, a partner renamed, erased by a customer's redaction).

let p: Pipeline;
let h: Harness;
let tf: TestfreaksSimulator;
let worker: Worker;
const clock = fakeClock();

beforeEach(async () => {
  ({ p, worker } = await startClockedPipeline(clock));
  ({ h, tf } = p);
});
afterEach(async () => {
  await worker.stop();
  await p.close();
});

const ORDER = "orders-create.discount-code-cad";
const job = () => h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } });
const ordersPosted = () => tf.log.filter((entry) => entry.method === "POST" && entry.path.endsWith("/orders")).length;

describe("holds are released by their reason, not by their sentence", () => {
  it("a job held by an uninstall is released by the reinstall, even after a customer's redaction erased its sentence", async () => {
    await p.send("orders/create", loadFixture(ORDER));
    await p.send("app/uninstalled", JSON.stringify({ id: 1, myshopify_domain: SHOP, domain: SHOP }));
    expect(await job()).toMatchObject({ status: "paused", holdReason: "uninstalled", lastError: "The app was uninstalled from this shop" });
    // Shopify sends redactions after an uninstall too: the job's message is erased with the customer's data.
    const redact = await p.send(
      "customers/redact",
      JSON.stringify({ shop_id: 1, shop_domain: SHOP, customer: { id: 7156883718400, email: "jane.doe+shopifytest@example.com", phone: null }, orders_to_redact: [5492763623680] }),
    );
    expect(redact.status).toBe(200);
    expect((await job()).lastError).toBe("[redacted on the customer's request]");

    // The merchant installs the app again (a new offline session, as the token exchange stores).
    await installShopLocally(h.ctx.db, SHOP);

    expect(await job()).toMatchObject({ status: "pending", holdReason: null, lastError: null });
    await worker.runDue();
    expect((await job()).status).toBe("synced");
    expect(ordersPosted()).toBe(1);
  });

  it("a merchant's pause is released by the switch, even when the partner's name changed meanwhile", async () => {
    await setPartnerEnabled(h.ctx.db, SHOP, testfreaksConnector, false);
    await p.send("orders/create", loadFixture(ORDER));
    expect(await job()).toMatchObject({ status: "paused", holdReason: "merchant_pause", lastError: "Syncing to TestFreaks is paused in the app's settings" });

    // A later release names the partner differently: the held job's sentence says the old name.
    await setPartnerEnabled(h.ctx.db, SHOP, { ...testfreaksConnector, displayName: "TestFreaks Reviews" }, true);
    await worker.runDue();

    expect(await job()).toMatchObject({ status: "synced", holdReason: null });
    expect(ordersPosted()).toBe(1);
  });

  it("a job waiting for Shopify is released by the next token exchange, even when its sentence was reworded", async () => {
    await h.ctx.db.shop.update({ where: { shop: SHOP }, data: { accessRefusedAt: new Date() } });
    await p.send("orders/create", loadFixture(ORDER));
    await worker.runDue();
    expect(await job()).toMatchObject({ status: "paused", holdReason: "waiting_for_shopify" });
    await h.ctx.db.syncJob.updateMany({ where: { shop: SHOP }, data: { lastError: "Shopify access lost (an older release's words)" } });

    await markInstalled(h.ctx.db, SHOP);
    await worker.runDue();

    expect(await job()).toMatchObject({ status: "synced", holdReason: null });
  });

  it("a job waiting after a 429 says so in its hold reason until the partner accepts it", async () => {
    tf.knobs.failNext = { count: 1, status: 429, headers: { "retry-after": "7" } };
    await p.send("orders/create", loadFixture(ORDER));

    await worker.runDue();
    expect(await job()).toMatchObject({ status: "retrying", holdReason: "rate_limit_hold" });

    clock.advance(7000);
    await worker.runDue();
    expect(await job()).toMatchObject({ status: "synced", holdReason: null });
  });

  it("a partner held for refused credentials holds new orders whatever its sentence says; saving credentials releases them and resolves the alert", async () => {
    await h.ctx.db.partnerConfig.deleteMany();
    await installShopWithPartners(h.ctx.db, h.ctx.keyring, { second: false, apiKey: "sk_wrong" });
    await p.send("orders/create", loadFixture(ORDER));
    await worker.runDue();
    expect(await job()).toMatchObject({ status: "paused", holdReason: "credentials_refused" });
    const refused = ordersPosted();
    const partner = await h.ctx.db.partnerConfig.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } });
    expect(partner.holdReason).toBe("credentials_refused");
    expect(partner.pausedReason).toMatch(/^TestFreaks refused the credentials: /);
    await h.ctx.db.partnerConfig.updateMany({ where: { shop: SHOP }, data: { pausedReason: "TestFreaks said no to the key" } });

    // A newer version of the order arrives while the partner is held: it waits, saying the partner's sentence.
    await p.send("orders/updated", withUpdatedAt(loadFixture(ORDER), "2030-01-01T00:00:00Z"));
    await worker.runDue();
    expect(await job()).toMatchObject({ status: "paused", holdReason: "credentials_refused", lastError: "TestFreaks said no to the key" });
    expect(ordersPosted()).toBe(refused);

    const saved = await savePartnerConfig(h.ctx.db, h.ctx.keyring, SHOP, testfreaksConnector, { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
    expect(saved.ok).toBe(true);
    await worker.runDue();
    await refreshShopAlerts(h.ctx.db, SHOP, clock.now());

    expect(await job()).toMatchObject({ status: "synced", holdReason: null });
    expect(await h.ctx.db.alert.findMany({ where: { shop: SHOP, kind: "credentials_refused", resolvedAt: null } })).toEqual([]);
    expect(await h.ctx.db.alert.count({ where: { shop: SHOP, kind: "credentials_refused", resolvedBy: "credentials_saved" } })).toBe(1);
  });
});
