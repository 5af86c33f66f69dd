// One Shopify order is one Reverb order (docs/partners/reverb.md): the worker, on a
// real database, against the Reverb simulator. A POST that may have applied (no
// answer, a 2xx without an id, a worker killed before storing the uuid) is never
// sent again: the job waits for the merchant, who links the order by its Reverb id
// (read back first) or marks it handled, from the order page's functions.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadOrderDetail } from "~/admin/order-detail.server";
import type { PartnerReadDeps } from "~/connectors/order-page.server";
import { creditReferrerForOrder, linkReverbOrder, markReverbOrderHandled } from "~/connectors/reverb/order-page.server";
import { createReverbClient, reverbConnector } from "~/connectors/reverb";
import { silentLogger } from "~/logger";
import { installShopLocally } from "~/shopify/install.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { policy } from "~/sync/retry-policy";
import { runJob } from "~/sync/run-job.server";
import { requeueOrder } from "~/sync/status.server";
import { startWorker, type Worker } from "~/sync/worker.server";
import { fixtureNames, loadFixture } from "../fixtures/shopify";
import { REVERB_SIM_DEFAULTS, startReverbSimulator, type ReverbSimOptions, type ReverbSimulator } from "../simulators/reverb";
import { productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { fakeClock, startHarness, TEST_SECRET, type Harness } from "../support/harness";
import { postWebhook, signWebhook } from "../support/webhooks";

const SHOP = "create-once.myshopify.com";
const ORDER = "5492763623680"; // #1001, jane.doe+shopifytest@example.com

let h: Harness;
let reverb: ReverbSimulator;
let admin: ShopifyAdminStandIn;
let worker: Worker;
let deps: PartnerReadDeps;
const clock = fakeClock();
/** The runner's network: the real one unless a test breaks it for one request. */
let network: typeof fetch;

async function given(options: ReverbSimOptions = {}) {
  [reverb, admin] = await Promise.all([
    startReverbSimulator(options),
    startShopifyAdminStandIn({ products: productsFromFixtures(fixtureNames.filter((n) => n.startsWith("orders-")).map(loadFixture)) }),
  ]);
  network = globalThis.fetch;
  h = await startHarness({ REVERB_API_URL: reverb.url, SHOPIFY_LOCAL_ADMIN_URL: admin.url }, { context: { fetch: (input, init) => network(input, init), now: clock.now } });
  await installShopLocally(h.ctx.db, SHOP);
  const saved = await savePartnerConfig(h.ctx.db, h.ctx.keyring, SHOP, reverbConnector, { ...REVERB_SIM_DEFAULTS });
  if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
  worker = startWorker(h.ctx.runner, { loop: false });
  deps = { ...h.ctx.runner, logger: silentLogger };
}

// Jobs are made due at the real time of their webhook: the clock starts there.
beforeEach(() => clock.set(new Date()));
afterEach(async () => {
  await worker.stop();
  await h.close();
  await Promise.all([reverb.close(), admin.close()]);
});

const send = async (fixture: string, change?: (body: string) => string) => {
  const body = change ? change(loadFixture(fixture)) : loadFixture(fixture);
  expect((await postWebhook(h.url, signWebhook({ topic: "orders/updated", shop: SHOP, body, secret: TEST_SECRET }))).status).toBe(200);
};
/** Runs every due job; the clock first catches up with the real time the webhooks made their jobs due at. */
const settle = async () => {
  do catchUp();
  while ((await worker.runDue()) > 0);
};
const catchUp = () => clock.set(new Date(Math.max(clock.now().getTime(), Date.now())));
const job = () => h.ctx.db.syncJob.findUniqueOrThrow({ where: { shop_orderId_partner: { shop: SHOP, orderId: ORDER, partner: "reverb" } } });
const posts = () => reverb.log.filter((entry) => entry.method === "POST" && entry.path === "/orders");
const isOrderPost = (input: Parameters<typeof fetch>[0], init?: RequestInit) => init?.method === "POST" && String(input).endsWith("/orders");
/** A later Shopify edit of the order (its updated_at moves on). */
const edited = (body: string) => body.replace(/"updated_at": "[^"]*"/, '"updated_at": "2030-01-01T00:00:00-05:00"');

describe("a Reverb POST whose outcome is unknown is never sent again", () => {
  it("the connection breaks after Reverb applied the POST: the job waits for the merchant, and neither a resync nor a later webhook posts it again", async () => {
    await given();
    network = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (isOrderPost(input, init)) throw new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
      return response;
    };
    await send("orders-create.discount-code-cad");
    await settle();

    const waiting = await job();
    expect([waiting.status, waiting.createState, waiting.remoteId, waiting.holdReason]).toEqual(["paused", "sending", null, "waiting_for_merchant"]);
    expect(waiting.lastError).toContain("Order #1001 was sent to Reverb but no answer came back");
    const attempts = await h.ctx.db.syncAttempt.findMany({ where: { jobId: waiting.id } });
    expect(attempts.map((a) => a.outcome)).toEqual(["waiting_for_merchant"]);

    network = globalThis.fetch;
    await requeueOrder(h.ctx.db, SHOP, ORDER, { force: true });
    await settle();
    await send("orders-create.discount-code-cad", edited);
    await settle();

    expect(posts()).toHaveLength(1);
    expect(reverb.state.orders.size).toBe(1);
    expect(await job()).toMatchObject({ status: "paused", createState: "sending", remoteId: null });
    // The page offers the merchant the way out.
    const detail = await loadOrderDetail(h.ctx.db, SHOP, ORDER);
    expect(detail!.partners.find((p) => p.partner === "reverb")!.job).toMatchObject({ status: "paused", createState: "sending" });
  });

  it("a worker killed after Reverb accepted the POST but before storing the uuid: the worker that takes over finds the POST in flight and waits, never re-posts", async () => {
    await given();
    // The first worker's process dies while Reverb's answer is on its way: the request
    // was applied, the answer never read. (Its promise never settles, like a killed process.)
    let applied!: () => void;
    const postApplied = new Promise<void>((resolve) => (applied = resolve));
    network = async (input, init) => {
      if (!isOrderPost(input, init)) return globalThis.fetch(input, init);
      await globalThis.fetch(input, init);
      applied();
      return new Promise<Response>(() => {});
    };
    await send("orders-create.discount-code-cad");
    catchUp();
    const [claimed] = await h.ctx.runner.queue.claim("worker-killed", 1, clock.now());
    void runJob(h.ctx.runner, claimed!);
    await postApplied;
    expect(await job()).toMatchObject({ createState: "sending", remoteId: null, leaseOwner: "worker-killed" });

    network = globalThis.fetch;
    expect(await worker.runDue()).toBe(0); // the dead worker's lease still holds
    clock.advance(policy.leaseMs + 1000);
    expect(await worker.runDue()).toBe(1);

    expect(await job()).toMatchObject({ status: "paused", createState: "sending", remoteId: null });
    expect(posts()).toHaveLength(1);
    expect(reverb.state.orders.size).toBe(1);
  });

  it("a connection refused before anything was sent is a plain retry: the next attempt posts, once", async () => {
    await given();
    let refuse = true;
    network = async (input, init) => {
      if (refuse && isOrderPost(input, init)) {
        refuse = false;
        throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }) });
      }
      return globalThis.fetch(input, init);
    };
    await send("orders-create.discount-code-cad");
    await settle();
    expect(await job()).toMatchObject({ status: "retrying", createState: null });

    clock.advance(policy.maxDelayMs);
    await settle();

    const synced = await job();
    expect([synced.status, synced.createState, synced.remoteId]).toEqual(["synced", null, [...reverb.state.orders.keys()][0]]);
    expect(posts()).toHaveLength(1);
  });

  it("a refusal Reverb stated (HTTP 500) leaves nothing in flight: the retry posts and syncs", async () => {
    await given();
    await send("orders-create.discount-code-cad");
    // Let the customer lookup and creation through, refuse the POST itself.
    reverb.knobs.failNext = null;
    network = async (input, init) => {
      if (isOrderPost(input, init)) reverb.knobs.failNext = { count: 1, status: 500 };
      return globalThis.fetch(input, init);
    };
    await settle();
    expect(await job()).toMatchObject({ status: "retrying", createState: null });

    network = globalThis.fetch;
    clock.advance(policy.maxDelayMs);
    await settle();
    expect(await job()).toMatchObject({ status: "synced", createState: null });
    expect(reverb.state.orders.size).toBe(1);
  });
});

describe("the merchant settles an order Reverb accepted without saying its id", () => {
  async function acceptedWithoutId() {
    await given({ orderAnswer: "empty" });
    await send("orders-create.discount-code-cad");
    await settle();
    const waiting = await job();
    expect([waiting.status, waiting.createState, waiting.holdReason]).toEqual(["paused", "accepted_without_id", "waiting_for_merchant"]);
    expect(waiting.lastError).toContain("Reverb accepted order #1001 but did not say its id");
    expect((await h.ctx.db.syncAttempt.findMany({ where: { jobId: waiting.id } })).map((a) => [a.outcome, a.httpStatus])).toEqual([["waiting_for_merchant", 200]]);
    return [...reverb.state.orders.keys()][0]!;
  }

  it("links it by the uuid from Reverb's dashboard (read back first): the next change is a PUT, never a POST", async () => {
    const uuid = await acceptedWithoutId();

    expect(await linkReverbOrder(deps, SHOP, ORDER, "00000000-0000-4000-8000-000000000000")).toEqual({
      ok: false,
      field: "reverbOrderUuid",
      message: "Reverb has no order 00000000-0000-4000-8000-000000000000. Copy the order's id from Reverb's dashboard.",
    });
    expect(await linkReverbOrder(deps, SHOP, ORDER, uuid)).toEqual({ ok: true, message: `Linked to Reverb order ${uuid}: later changes are sent as updates of it.` });
    await settle();
    await send("orders-create.discount-code-cad", edited);
    await settle();

    expect(await job()).toMatchObject({ status: "synced", remoteId: uuid, createState: null });
    expect(posts()).toHaveLength(1);
    expect(reverb.log.filter((entry) => entry.method === "PUT" && entry.path === `/orders/${uuid}`).length).toBeGreaterThanOrEqual(1);
  });

  it("refuses a uuid that is another order's in Reverb", async () => {
    await acceptedWithoutId();
    const client = createReverbClient(
      { fetch, now: () => new Date(), logger: silentLogger, baseUrl: reverb.url },
      { ...REVERB_SIM_DEFAULTS, referrerEmailAttribute: "r", referrerLevelAttribute: "l" },
    );
    const customer = await client.createCustomer({ website_uuid: REVERB_SIM_DEFAULTS.websiteUuid, email: "other@example.com", first_name: "O", last_name: "T" });
    await client.createOrder({
      website_uuid: REVERB_SIM_DEFAULTS.websiteUuid,
      customer_uuid: customer,
      order_number: "#2002",
      subtotal: "1.00",
      order_items: [{ product_id: "1", price: "1.00", quantity: "1", product_title: "T", product_url: "https://x.example/p" }],
    });
    const other = [...reverb.state.orders.values()].find((order) => order.order_number === "#2002")!.order_uuid;

    expect(await linkReverbOrder(deps, SHOP, ORDER, other)).toMatchObject({ ok: false, field: "reverbOrderUuid", message: expect.stringContaining("is order #2002, not #1001") });
    expect(await job()).toMatchObject({ createState: "accepted_without_id", remoteId: null });
  });

  it("refuses a uuid another order of the shop is already linked to", async () => {
    const uuid = await acceptedWithoutId();
    await send("orders-create.gbp-presentment");
    await settle();
    const other = await h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "reverb", NOT: { orderId: ORDER } } });
    const otherUuid = [...reverb.state.orders.values()].find((order) => order.order_number === "#29448")!.order_uuid;
    expect(await linkReverbOrder(deps, SHOP, other.orderId, otherUuid)).toMatchObject({ ok: true });

    expect(await linkReverbOrder(deps, SHOP, ORDER, otherUuid)).toMatchObject({ ok: false, field: "reverbOrderUuid", message: expect.stringContaining("is order #29448, not #1001") });
    // The same id read back as this order's number, but held by another order: refused too.
    reverb.state.orders.get(otherUuid)!.order_number = "#1001";
    expect(await linkReverbOrder(deps, SHOP, ORDER, otherUuid)).toEqual({
      ok: false,
      field: "reverbOrderUuid",
      message: `Reverb order ${otherUuid} is already linked to another order of this store.`,
    });
    expect(await linkReverbOrder(deps, SHOP, ORDER, uuid)).toMatchObject({ ok: true });
  });

  it("marks it handled: the job is skipped and stays so when the order changes; nothing is posted again", async () => {
    await acceptedWithoutId();

    expect(await markReverbOrderHandled(deps, SHOP, ORDER)).toEqual({ ok: true, message: "Marked as handled: the app will not send this order to Reverb." });
    await send("orders-create.discount-code-cad", edited);
    await settle();

    expect(await job()).toMatchObject({ status: "skipped", createState: "handled", remoteId: null, lastError: expect.stringContaining("You marked Order #1001 as handled") });
    expect(posts()).toHaveLength(1);
    expect(await markReverbOrderHandled(deps, SHOP, ORDER)).toMatchObject({ ok: false });
  });
});

describe("crediting a referrer from the order page", () => {
  it("two submits at once and a third later make one referral, with the referrer's own order as referrer_order_uuid", async () => {
    await given();
    // The referrer (jane.doe@example.com) bought here before: that order is in Reverb.
    await send("orders-create.gbp-presentment");
    await send("orders-create.discount-code-cad");
    await settle();
    const referrersOrder = await h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "reverb", NOT: { orderId: ORDER } } });

    const both = await Promise.all([creditReferrerForOrder(deps, SHOP, ORDER, "jane.doe@example.com"), creditReferrerForOrder(deps, SHOP, ORDER, "jane.doe@example.com")]);
    const third = await creditReferrerForOrder(deps, SHOP, ORDER, "jane.doe@example.com");

    expect(both.filter((result) => result.ok)).toHaveLength(1);
    expect(third).toEqual({ ok: true, message: "A referrer is already credited for this order in Reverb: nothing was sent again." });
    const referralPosts = reverb.log.filter((entry) => entry.method === "POST" && entry.path === "/referrals");
    expect(referralPosts).toHaveLength(1);
    expect(referralPosts[0]!.body).toMatchObject({ referrer_order_uuid: referrersOrder.remoteId, referred_order_uuid: (await job()).remoteId });
    expect(reverb.state.referrals.size).toBe(1);
  });

  it("a refusal Reverb stated lets the merchant try again at once", async () => {
    await given();
    await send("orders-create.discount-code-cad");
    await settle();

    expect(await creditReferrerForOrder(deps, SHOP, ORDER, "nobody@example.com")).toMatchObject({ ok: false, field: "referrerEmail" });
    expect((await job()).referralCredit).toBeNull();
  });
});
