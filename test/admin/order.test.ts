// The order page's data, on an order really synced by the worker to the
// Reverb and TestFreaks simulators (remote ids, attempts and the last body
// are the runner's own), and the live partner reads next to it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadOrderDetail, loadOrderStatus } from "~/admin/order-detail.server";
import type { PartnerReadDeps } from "~/connectors/order-page.server";
import { creditReferrerForOrder, reverbReferralForOrder } from "~/connectors/reverb/order-page.server";
import { testfreaksViewOfOrder } from "~/connectors/testfreaks/order-page.server";
import { createReverbClient, reverbConnector } from "~/connectors/reverb";
import { testfreaksConnector } from "~/connectors/testfreaks";
import { silentLogger } from "~/logger";
import { installShopLocally } from "~/shopify/install.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { requeueOrder } from "~/sync/status.server";
import { startWorker, type Worker } from "~/sync/worker.server";
import { fixtureNames, loadFixture } from "../fixtures/shopify";
import { REVERB_SIM_DEFAULTS, startReverbSimulator, type ReverbSimulator } from "../simulators/reverb";
import { productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { startTestfreaksSimulator, TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID, type TestfreaksSimulator } from "../simulators/testfreaks";
import { startHarness, TEST_SECRET, type Harness } from "../support/harness";
import { postWebhook, signWebhook } from "../support/webhooks";

const SHOP = "order-page.myshopify.com";
const OTHER_SHOP = "someone-else.myshopify.com";
const ORDER = "5492763623680"; // #1001, jane.doe+shopifytest@example.com

let h: Harness;
let reverb: ReverbSimulator;
let tf: TestfreaksSimulator;
let admin: ShopifyAdminStandIn;
let worker: Worker;
let deps: PartnerReadDeps;

beforeEach(async () => {
  [reverb, tf, admin] = await Promise.all([
    startReverbSimulator(),
    startTestfreaksSimulator(),
    startShopifyAdminStandIn({ products: productsFromFixtures(fixtureNames.filter((n) => n.startsWith("orders-")).map(loadFixture)) }),
  ]);
  h = await startHarness({ REVERB_API_URL: reverb.url, TESTFREAKS_API_URL: tf.url, SHOPIFY_LOCAL_ADMIN_URL: admin.url });
  const { db, keyring } = h.ctx;
  await installShopLocally(db, SHOP);
  for (const [connector, settings] of [
    [reverbConnector, REVERB_SIM_DEFAULTS],
    [testfreaksConnector, { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID }],
  ] as const) {
    const saved = await savePartnerConfig(db, keyring, SHOP, connector, { ...settings });
    if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  }
  worker = startWorker(h.ctx.runner, { loop: false });
  deps = { ...h.ctx.runner, logger: silentLogger };
  const body = loadFixture("orders-create.discount-code-cad");
  expect((await postWebhook(h.url, signWebhook({ topic: "orders/create", shop: SHOP, body, secret: TEST_SECRET }))).status).toBe(200);
  await settle();
});
afterEach(async () => {
  await worker.stop();
  await h.close();
  await Promise.all([reverb.close(), tf.close(), admin.close()]);
});

async function settle() {
  while ((await worker.runDue()) > 0);
}

describe("order detail", () => {
  it("shows per partner the status, remote id, attempts and the last body sent, personal data masked", async () => {
    const detail = await loadOrderDetail(h.ctx.db, SHOP, ORDER);

    expect(detail?.order).toMatchObject({ orderId: ORDER, orderName: "#1001", cancelled: false, piiRedacted: false, total: { currency: "CAD" } });
    expect(detail?.pending).toBe(false);
    const [rv, rio, tfView] = detail!.partners;
    expect(rv).toMatchObject({ partner: "reverb", configured: true, enabled: true, job: { status: "synced", remoteId: [...reverb.state.orders.keys()][0] } });
    expect(rv!.job!.attemptLog).toEqual([{ startedAt: expect.any(String), durationMs: expect.any(Number), httpStatus: 200, outcome: "synced", error: null }]);
    expect(rio).toEqual({ partner: "reversio", configured: false, enabled: false, job: null });
    expect(tfView).toMatchObject({ partner: "testfreaks", job: { status: "synced", remoteId: "#1001" } });

    // What was sent carried the buyer's email; what the page shows does not.
    const stored = await h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } });
    expect(stored.lastSentBody).toContain("jane.doe+shopifytest@example.com");
    expect(tfView!.job!.lastSent).toContain('"id": "#1001"');
    expect(tfView!.job!.lastSent).not.toMatch(/jane|doe/i);
    expect(rv!.job!.lastSent).toContain('"order_number": "#1001"');
  });

  it("shows a partner's refusal and every attempt, newest first", async () => {
    tf.knobs.failNext = { count: 1, status: 400, body: { errors: ["customer.email is not a valid address"] } };
    await requeueOrder(h.ctx.db, SHOP, ORDER, { partner: "testfreaks", force: true });
    expect(await loadOrderStatus(h.ctx.db, SHOP, ORDER)).toMatchObject({ pending: true });
    await settle();

    const tfView = (await loadOrderDetail(h.ctx.db, SHOP, ORDER))!.partners.find((p) => p.partner === "testfreaks")!;

    expect(tfView.job).toMatchObject({ status: "failed", lastError: "TestFreaks answered 400: customer.email is not a valid address" });
    expect(tfView.job!.attemptLog.map((a) => [a.outcome, a.httpStatus, a.error])).toEqual([
      ["failed", 400, "TestFreaks answered 400: customer.email is not a valid address"],
      ["synced", 200, null],
    ]);
    expect(await loadOrderStatus(h.ctx.db, SHOP, ORDER)).toMatchObject({ pending: false, partners: expect.arrayContaining([expect.objectContaining({ partner: "testfreaks", status: "failed" })]) });
  });

  it("finds nothing for another shop's order, an unknown order or an id that is not one", async () => {
    expect(await loadOrderDetail(h.ctx.db, OTHER_SHOP, ORDER)).toBeNull();
    expect(await loadOrderStatus(h.ctx.db, OTHER_SHOP, ORDER)).toBeNull();
    expect(await loadOrderDetail(h.ctx.db, SHOP, "1")).toBeNull();
    expect(await loadOrderDetail(h.ctx.db, SHOP, "1001' OR 1=1")).toBeNull();
  });
});

describe("Reverb's referral and crediting a referrer", () => {
  async function advocate(email: string) {
    const client = createReverbClient(
      { fetch, now: () => new Date(), logger: silentLogger, baseUrl: reverb.url },
      { ...REVERB_SIM_DEFAULTS, referrerEmailAttribute: "r", referrerLevelAttribute: "l" },
    );
    return client.createCustomer({ website_uuid: REVERB_SIM_DEFAULTS.websiteUuid, email, first_name: "Ada", last_name: "Vocate" });
  }

  it("shows no referral, credits the referrer by email, then shows the referral", async () => {
    expect(await reverbReferralForOrder(deps, SHOP, ORDER)).toEqual({ status: "ok", value: [] });
    const advocateUuid = await advocate("ada@example.com");

    expect(await creditReferrerForOrder(deps, SHOP, ORDER, "ada@example.com")).toEqual({ ok: true, message: "The referrer ada@example.com was credited for this order in Reverb." });

    const read = await reverbReferralForOrder(deps, SHOP, ORDER);
    expect(read).toMatchObject({ status: "ok", value: [{ referrerAdvocateUuid: advocateUuid, level: "1" }] });
  });

  it("answers a field message for an email Reverb does not know, and Reverb's own words when it refuses", async () => {
    expect(await creditReferrerForOrder(deps, SHOP, ORDER, "nobody@example.com")).toEqual({
      ok: false,
      field: "referrerEmail",
      message: "Reverb has no advocate with this email. Check the address, or add the advocate in Reverb first.",
    });
    await advocate("ada@example.com");
    reverb.knobs.failNext = { count: 1, status: 400, body: { response: { code: "400", message: "Invalid field: the campaign is closed" } } };
    expect(await creditReferrerForOrder(deps, SHOP, ORDER, "ada@example.com")).toEqual({ ok: false, message: expect.stringMatching(/^Reverb did not accept the request: .*the campaign is closed/) });
    // Refused, so nothing holds the order: the next try credits; a second one sends nothing (test/sync/reverb-create-once.test.ts).
    expect(await creditReferrerForOrder(deps, SHOP, ORDER, "ada@example.com")).toMatchObject({ ok: true });
    expect(await creditReferrerForOrder(deps, SHOP, ORDER, "ada@example.com")).toEqual({ ok: true, message: "A referrer is already credited for this order in Reverb: nothing was sent again." });
  });

  it("says so, without throwing, when Reverb is not set up, has no such order yet, or is down", async () => {
    expect(await reverbReferralForOrder(deps, OTHER_SHOP, ORDER)).toEqual({ status: "none", message: "Reverb is not set up for this store." });
    await h.ctx.db.syncJob.updateMany({ where: { shop: SHOP, partner: "reverb" }, data: { remoteId: null } });
    expect(await reverbReferralForOrder(deps, SHOP, ORDER)).toMatchObject({ status: "none", message: expect.stringMatching(/not in Reverb yet/) });
    expect(await creditReferrerForOrder(deps, SHOP, ORDER, "ada@example.com")).toMatchObject({ ok: false, message: expect.stringMatching(/not in Reverb yet/) });

    await h.ctx.db.syncJob.updateMany({ where: { shop: SHOP, partner: "reverb" }, data: { remoteId: [...reverb.state.orders.keys()][0] } });
    await reverb.close();
    expect(await reverbReferralForOrder(deps, SHOP, ORDER)).toEqual({ status: "error", message: expect.stringMatching(/^Reverb is not answering properly right now/) });
  });

  it("says the stored credentials were refused", async () => {
    reverb.credentials.splice(0, reverb.credentials.length);
    expect(await reverbReferralForOrder(deps, SHOP, ORDER)).toEqual({ status: "error", message: "Reverb refused the stored credentials. Check them on the Reverb settings page." });
  });
});

describe("TestFreaks' view of the order", () => {
  it("lists the items TestFreaks holds and whether it will invite reviews", async () => {
    const view = await testfreaksViewOfOrder(deps, SHOP, ORDER);
    if (view.status !== "ok") throw new Error(view.message);
    expect(view.value.id).toBe("#1001");
    expect(view.value.items.length).toBe(tf.state.orders[0]!.items.length);
    expect(view.value.items.every((item) => item.reviewable === true && item.deleted === false)).toBe(true);
  });

  it("says so when TestFreaks lost the order or fails", async () => {
    tf.state.orders.splice(0);
    expect(await testfreaksViewOfOrder(deps, SHOP, ORDER)).toMatchObject({ status: "none", message: expect.stringMatching(/does not know this order/) });
    tf.knobs.failNext = { count: 1, status: 500 };
    expect(await testfreaksViewOfOrder(deps, SHOP, ORDER)).toMatchObject({ status: "error", message: expect.stringMatching(/^TestFreaks is not answering properly right now/) });
  });
});
