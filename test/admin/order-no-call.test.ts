// The order page of an order whose job settled without calling the partner: it says
// why no call was needed instead of showing an attempt count of 0; its dates are in
// the shop's time zone. The worker, TestFreaks' simulator and the Admin stand-in are real.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noCallNeeded } from "~/admin/order-detail.server";
import { testfreaksConnector } from "~/connectors/testfreaks";
import { loader as orderLoader } from "~/routes/app.orders.$orderId";
import { installShopLocally } from "~/shopify/install.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { requeueOrder } from "~/sync/status.server";
import { startWorker, type Worker } from "~/sync/worker.server";
import { fixtureNames, loadFixture } from "../fixtures/shopify";
import { productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { startTestfreaksSimulator, TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID, type TestfreaksSimulator } from "../simulators/testfreaks";
import { startHarness, TEST_SECRET, type Harness } from "../support/harness";
import { mintSessionToken } from "../support/session-token";
import { postWebhook, signWebhook } from "../support/webhooks";

const SHOP = "order-page.myshopify.com";
const ORDER = "5492763623680"; // #1001

let h: Harness;
let tf: TestfreaksSimulator;
let admin: ShopifyAdminStandIn;
let worker: Worker;

beforeAll(async () => {
  [tf, admin] = await Promise.all([
    startTestfreaksSimulator(),
    startShopifyAdminStandIn({ products: productsFromFixtures(fixtureNames.filter((n) => n.startsWith("orders-")).map(loadFixture)), shop: { ianaTimezone: "America/New_York" } }),
  ]);
  h = await startHarness({ TESTFREAKS_API_URL: tf.url, SHOPIFY_LOCAL_ADMIN_URL: admin.url });
  globalThis.__partnerSyncContext = h.ctx;
  await installShopLocally(h.ctx.db, SHOP);
  const saved = await savePartnerConfig(h.ctx.db, h.ctx.keyring, SHOP, testfreaksConnector, { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
  if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  worker = startWorker(h.ctx.runner, { loop: false });
  const body = loadFixture("orders-create.discount-code-cad");
  expect((await postWebhook(h.url, signWebhook({ topic: "orders/create", shop: SHOP, body, secret: TEST_SECRET }))).status).toBe(200);
  await settle();
});
afterAll(async () => {
  globalThis.__partnerSyncContext = undefined;
  await worker.stop();
  await h.close();
  await Promise.all([tf.close(), admin.close()]);
});

async function settle() {
  while ((await worker.runDue()) > 0);
}

const openPage = async () => {
  const request = new Request(`http://127.0.0.1:3000/app/orders/${ORDER}`, { headers: { Authorization: `Bearer ${mintSessionToken({ shop: SHOP, apiKey: "test-api-key", secret: TEST_SECRET })}` } });
  const page = await orderLoader({ request, params: { orderId: ORDER }, context: {} });
  // The partners' live reads are streamed: done before the store closes.
  await Promise.allSettled(Object.values(page.live));
  return { page, testfreaks: page.detail.partners.find((p) => p.partner === "testfreaks")!.job! };
};

describe("an order that converged without a call", () => {
  it("after the first send, the page shows the call and no sentence", async () => {
    const { page, testfreaks } = await openPage();
    expect(testfreaks).toMatchObject({ status: "synced", attempts: 1, noCallNeeded: null });
    expect(page.timeZone).toBe("America/New_York");
    expect(page.timeZoneNote).toBe("Times are in the store's time zone (America/New_York).");
  });

  it("run again with nothing new for the partner: synced without a call, and the page says why", async () => {
    const calls = tf.log.length;
    await requeueOrder(h.ctx.db, SHOP, ORDER, { partner: "testfreaks" });
    await settle();
    expect(tf.log.length).toBe(calls);

    const { testfreaks } = await openPage();
    expect(testfreaks).toMatchObject({ status: "synced", attempts: 0 });
    expect(testfreaks.noCallNeeded).toBe("Nothing to send: the partner already has this order as it is now, so no call was needed.");
    expect(testfreaks.attemptLog[0]).toMatchObject({ outcome: "unchanged", httpStatus: null });
  });
});

describe("the sentence for a job settled without a call", () => {
  it("gives the skip's reason, and nothing for a job that called the partner or has yet to run", () => {
    expect(noCallNeeded({ status: "skipped", attempts: 0, lastError: "TestFreaks is not set up for this shop" })).toBe("Nothing to send, so no call was made. TestFreaks is not set up for this shop.");
    expect(noCallNeeded({ status: "synced", attempts: 2, lastError: null })).toBeNull();
    expect(noCallNeeded({ status: "pending", attempts: 0, lastError: null })).toBeNull();
    expect(noCallNeeded({ status: "failed", attempts: 0, lastError: "Unknown partner" })).toBeNull();
  });
});
