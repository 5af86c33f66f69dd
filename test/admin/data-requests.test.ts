// customers/data_request in the admin: given two customers' orders synced to
// TestFreaks and a Reverb id remembered for one of them, when Shopify forwards
// that customer's data request, then the Data requests page lists it and its
// JSON download holds that customer's orders, what was sent about them and the
// partner ids, and nothing of the other customer; another shop sees none of it.
// Loaders are called with requests authenticated as the embedded admin sends them.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installShopLocally } from "~/shopify/install.server";
import { startWorker } from "~/sync/worker.server";
import { loader as listLoader } from "~/routes/app.data-requests";
import { loader as downloadLoader } from "~/routes/api.data-requests.$requestId";
import type { DataRequestExport } from "~/admin/data-requests.server";
import { loadFixture } from "../fixtures/shopify";
import { fakeClock, TEST_SECRET } from "../support/harness";
import { mintSessionToken } from "../support/session-token";
import { SHOP, startPipeline, type Pipeline } from "../sync/fixtures";

const OTHER_SHOP = "someone-else.myshopify.com";
const CUSTOMER = "7156883718400"; // #1001's customer, jane.doe+shopifytest@example.com
const APP_URL = "http://127.0.0.1:3000";

let p: Pipeline;
beforeEach(async () => {
  p = await startPipeline();
  globalThis.__partnerSyncContext = p.h.ctx;
  await installShopLocally(p.h.ctx.db, OTHER_SHOP);
  await p.send("orders/create", loadFixture("orders-create.discount-code-cad"));
  await p.send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
  await startWorker({ ...p.h.ctx.runner, now: fakeClock(new Date(Date.now() + 60_000)).now }, { loop: false }).runDue();
  // What Reverb's connector remembers for the customer (app/connectors/reverb/index.ts): its advocate id by email.
  await p.h.ctx.db.partnerCache.create({ data: { shop: SHOP, partner: "reverb", kind: "customer", key: "jane.doe+shopifytest@example.com", value: "advocate-uuid-1" } });
  const body = JSON.stringify({
    shop_id: 1,
    shop_domain: SHOP,
    customer: { id: Number(CUSTOMER), email: "jane.doe+shopifytest@example.com", phone: null },
    orders_requested: [5492763623680],
    data_request: { id: 9999 },
  });
  expect((await p.send("customers/data_request", body)).status).toBe(200);
});
afterEach(async () => {
  globalThis.__partnerSyncContext = undefined;
  await p.close();
});

const authorized = (path: string, shop = SHOP) => new Request(`${APP_URL}${path}`, { headers: { Authorization: `Bearer ${mintSessionToken({ shop, apiKey: "test-api-key", secret: TEST_SECRET })}` } });

describe("data requests", () => {
  it("are listed with how many of the customer's orders the app holds", async () => {
    const { requests } = await listLoader({ request: authorized("/app/data-requests"), params: {}, context: {} });
    expect(requests).toMatchObject([{ customerId: CUSTOMER, ordersRequested: ["5492763623680"], ordersHeld: 1 }]);
    expect((await listLoader({ request: authorized("/app/data-requests", OTHER_SHOP), params: {}, context: {} })).requests).toEqual([]);
  });

  it("download as JSON with the customer's orders, what each partner was sent, and the partner ids; nothing of another customer", async () => {
    const { requests } = await listLoader({ request: authorized("/app/data-requests"), params: {}, context: {} });
    const id = requests[0]!.id;
    const response = await downloadLoader({ request: authorized(`/api/data-requests/${id}`), params: { requestId: id }, context: {} });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="data-request-\d{4}-\d{2}-\d{2}-.+\.json"$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    const exported = JSON.parse(text) as DataRequestExport;

    expect(exported.request).toMatchObject({ id, customerId: CUSTOMER, ordersRequested: ["5492763623680"] });
    expect(exported.orders.map((o) => o.orderName)).toEqual(["#1001"]);
    const [order] = exported.orders;
    expect(order!.snapshot).toMatchObject({ email: "jane.doe+shopifytest@example.com", customer: { id: CUSTOMER } });
    expect(order!.partners).toMatchObject([{ partner: "testfreaks", status: "synced", lastSent: { order: { customer: { email: "jane.doe+shopifytest@example.com" } } } }]);
    expect(order!.partners[0]!.attempts.map((a) => a.outcome)).toEqual(["synced"]);
    expect(order!.deliveries).toMatchObject([{ topic: "orders/create", payload: { orderName: "#1001", email: "jane.doe+shopifytest@example.com" } }]);
    expect(exported.rememberedPartnerIds).toMatchObject([{ partner: "reverb", kind: "customer", value: "advocate-uuid-1" }]);
    // The other customer's order (#23301, jane.doe@example.com) is not in it.
    expect(text).not.toContain("#23301");
    expect(text).not.toContain('"jane.doe@example.com"');
  });

  it("answers 404 to another shop, as for a request that does not exist", async () => {
    const { requests } = await listLoader({ request: authorized("/app/data-requests"), params: {}, context: {} });
    const id = requests[0]!.id;
    const foreign = await downloadLoader({ request: authorized(`/api/data-requests/${id}`, OTHER_SHOP), params: { requestId: id }, context: {} });
    const missing = await downloadLoader({ request: authorized("/api/data-requests/nope"), params: { requestId: "nope" }, context: {} });
    expect([foreign.status, missing.status]).toEqual([404, 404]);
    expect(await foreign.text()).toBe(await missing.text());
  });
});
