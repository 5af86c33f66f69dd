// The Reverb connector against its simulator (test/simulators/reverb.ts), which
// holds to the partner's pages: real HTTP on loopback, real Shopify payloads.
import { afterEach, describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify/index";
import { startReverbSimulator, REVERB_ORDER_ANSWERS, REVERB_SIM_DEFAULTS, type ReverbSimOptions, type ReverbSimulator } from "../simulators/reverb";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import type { OrderSnapshot } from "~/orders/snapshot";
import { buildCanonicalOrder } from "~/orders/build";
import type { ProductInfo } from "~/orders/canonical";
import type { ClientDeps, PushContext } from "~/connectors/types";
import { PartnerError, SyncSkipped } from "~/connectors/errors";
import { createReverbClient, reverbConnector, type ReverbConfig, type ReverbPlanRequest } from "~/connectors/reverb";
import { reverbConfigSchema, type ReverbOrderRequest } from "~/connectors/reverb/schema";
import { memoryPartnerCache } from "~/sync/partner-cache.server";
import { CreateOutcomeUnknown } from "~/sync/create-once.server";
import { silentLogger, type Logger } from "~/logger";

const config: ReverbConfig = reverbConfigSchema.parse(REVERB_SIM_DEFAULTS);

const running: ReverbSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function given(options: ReverbSimOptions = {}, settings: ReverbConfig = config, fetch: typeof globalThis.fetch = globalThis.fetch) {
  const sim = await startReverbSimulator(options);
  running.push(sim);
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = { ...silentLogger, warn: (message, fields) => warnings.push({ message, fields }) };
  const deps: ClientDeps = { fetch, now: () => new Date(), logger, baseUrl: `${sim.url}/api/v1` };
  const cache = memoryPartnerCache();
  const push = (request: ReverbPlanRequest, context: Partial<PushContext<ReverbConfig>> = {}) =>
    reverbConnector.push(request, { shop: "test-shop.myshopify.com", config: settings, remoteId: null, previousOutcomeUncertain: false, cache, deps, ...context });
  const calls = (method: string, path: string) => sim.log.filter((entry) => entry.method === method && entry.path === `/api/v1${path}`);
  return { sim, deps, cache, push, warnings, calls, client: createReverbClient(deps, settings) };
}

/** Product details as the Admin API lookup answers them: every product has a storefront handle. */
function storefrontProducts(shop: string, productIds: (string | null)[]): Map<string, ProductInfo> {
  return new Map(
    productIds
      .filter((id): id is string => id !== null)
      .map((productId) => [
        productId,
        { productId, handle: `product-${productId}`, title: null, url: `https://${shop}/products/product-${productId}`, imageUrl: null, vendor: null, productType: null },
      ]),
  );
}

/** The plan for a real payload, optionally changed first the way a later webhook would change it. */
function planFor(fixture: string, change?: (snapshot: OrderSnapshot) => void): ReverbPlanRequest {
  const extracted = extractOrderSnapshot(parseJsonLossless(loadFixture(fixture)));
  if (!extracted.ok) throw new Error(`${fixture}: ${extracted.error}`);
  change?.(extracted.snapshot);
  const shop = "test-shop.myshopify.com";
  const order = buildCanonicalOrder(shop, extracted.snapshot);
  const plan = reverbConnector.plan(
    order,
    storefrontProducts(
      shop,
      order.lineItems.map((line) => line.productId),
    ),
    config,
  );
  if (plan.kind !== "send") throw new Error(`${fixture} was skipped: ${plan.reason}`);
  return plan.request;
}

async function rejectionOf(promise: Promise<unknown>): Promise<PartnerError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof PartnerError)) throw new Error(`expected a PartnerError, got ${String(error)}`);
  return error;
}

describe("pushing orders to Reverb", () => {
  it("creates the customer once for two orders by the same email, then reuses the remembered uuid", async () => {
    const { sim, push, calls } = await given();
    // Two real orders by jane.doe@example.com
    const first = await push(planFor("orders-updated.tracking-delivered-usd"));
    const second = await push(planFor("orders-updated.eur-fulfilled"));

    expect(sim.state.customers.size).toBe(1);
    expect(calls("POST", "/customers")).toHaveLength(1);
    // The second order needed no lookup: the uuid came from the partner cache.
    expect(calls("GET", "/customers/" + config.websiteUuid + "/jane.doe%40example.com")).toHaveLength(1);
    const [customer] = sim.state.customers.values();
    expect(customer).toMatchObject({ email: "jane.doe@example.com", first_name: "Jane", last_name: "Doe", customer_id: "3633178509361" });
    expect(sim.state.orders.get(first.remoteId!)?.customer_uuid).toBe(customer!.uuid);
    expect(sim.state.orders.get(second.remoteId!)?.customer_uuid).toBe(customer!.uuid);
  });

  it("finds an existing customer by email instead of creating a second one when nothing is remembered", async () => {
    const { sim, push, cache, calls } = await given();
    await push(planFor("orders-updated.tracking-delivered-usd"));
    await cache.delete("customer", "jane.doe@example.com");

    await push(planFor("orders-create.gbp-presentment"));

    expect(sim.state.customers.size).toBe(1);
    expect(calls("POST", "/customers")).toHaveLength(1);
    expect(await cache.get("customer", "jane.doe@example.com")).toBe([...sim.state.customers.keys()][0]);
  });

  it("posts a new order once and sends a later edit as PUT on the stored uuid, with order_items", async () => {
    const { sim, push, calls } = await given();
    const created = await push(planFor("orders-create.discount-code-cad"));

    // When one of the two Hydrogen boards is refunded (line 13672131363072, 612.56 CAD each)
    const refunded = planFor("orders-create.discount-code-cad", (snapshot) => {
      snapshot.refunds = [{ id: "1000000001", createdAt: "2024-02-03T10:00:00Z", lineItems: [{ lineItemId: "13672131363072", quantity: 1 }] }];
    });
    const updated = await push(refunded, { remoteId: created.remoteId });

    expect(updated.remoteId).toBe(created.remoteId);
    expect(sim.state.orders.size).toBe(1);
    expect(calls("POST", "/orders")).toHaveLength(1);
    const puts = calls("PUT", `/orders/${created.remoteId}`);
    expect(puts).toHaveLength(1);
    expect(Object.keys(puts[0]!.body as object)).toContain("order_items");
    expect(Object.keys(puts[0]!.body as object)).not.toContain("items");
    const stored = sim.state.orders.get(created.remoteId!)!;
    expect(stored).toMatchObject({ order_number: "#1001", subtotal: "5506.35", coupon_used: "LIQUID15PERCENTOFF", updates: 1 });
    expect(stored.order_items.find((item) => item.product_id === "8390362366208")?.quantity).toBe("1");
    expect(updated.sent).toMatchObject({ customer_uuid: stored.customer_uuid, subtotal: "5506.35" });
  });

  it("sends a cancellation as an update to 0.00 of the order it created", async () => {
    const { sim, push } = await given();
    // Given the order as it was before its cancellation
    const created = await push(
      planFor("orders-cancelled.refunded-cad", (snapshot) => {
        snapshot.cancelledAt = null;
        snapshot.cancelReason = null;
        snapshot.refunds = [];
      }),
    );
    expect(sim.state.orders.get(created.remoteId!)?.subtotal).toBe("750.00");

    await push(planFor("orders-cancelled.refunded-cad"), { remoteId: created.remoteId });

    expect(sim.state.orders.get(created.remoteId!)).toMatchObject({ subtotal: "0.00", order_items: [] });
  });

  it("does not create an order that was cancelled before it ever reached Reverb", async () => {
    const { sim, push } = await given();

    const outcome = push(planFor("orders-cancelled.refunded-cad"));

    await expect(outcome).rejects.toBeInstanceOf(SyncSkipped);
    await expect(outcome).rejects.toThrow("#1003 was cancelled before it reached Reverb");
    expect(sim.log).toHaveLength(0);
  });

  it.each(["sending", "accepted_without_id"] as const)("never posts an order whose earlier POST is %s: it waits for the merchant without a call", async (state) => {
    const { sim, push } = await given();

    const outcome = push(planFor("orders-create.discount-code-cad"), { previousOutcomeUncertain: true, createRecord: { state, sentAt: new Date("2026-11-23T10:00:00Z") } });

    await expect(outcome).rejects.toBeInstanceOf(CreateOutcomeUnknown);
    await expect(outcome).rejects.toMatchObject({ state, message: expect.stringContaining("look it up in Reverb by its id, or mark it handled") });
    expect(sim.log).toHaveLength(0);
  });

  it("says when the earlier POST left on the shop's clock, not in UTC", async () => {
    const { push } = await given();

    const outcome = push(planFor("orders-create.discount-code-cad"), { createRecord: { state: "sending", sentAt: new Date("2026-11-23T06:30:00Z") }, timeZone: "America/Los_Angeles" });

    await expect(outcome).rejects.toThrow("was sent to Reverb on 22 Nov 2026, 22:30 PST");
  });

  it("an order the merchant marked handled is skipped, never posted", async () => {
    const { sim, push } = await given();

    const outcome = push(planFor("orders-create.discount-code-cad"), { createRecord: { state: "handled", sentAt: null } });

    await expect(outcome).rejects.toBeInstanceOf(SyncSkipped);
    expect(sim.log).toHaveLength(0);
  });

  it("a POST whose answer is lost after Reverb applied it is uncertain: it waits for the merchant, and Reverb holds one order", async () => {
    // The connection breaks once the request has reached Reverb: the simulator applied it.
    const dropAfterPost: typeof fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (init?.method === "POST" && String(input).endsWith("/orders")) throw new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
      return response;
    };
    const { sim, push } = await given({}, config, dropAfterPost);

    const outcome = push(planFor("orders-create.discount-code-cad"));

    await expect(outcome).rejects.toMatchObject({ name: "CreateOutcomeUnknown", state: "sending" });
    expect(sim.state.orders.size).toBe(1);
  });

  it("forgets a remembered customer that Reverb no longer knows, so that a resync creates it again", async () => {
    const { sim, push, cache } = await given();
    await cache.set("customer", "jane.doe@example.com", "00000000-dead-4bee-8000-000000000000");

    const error = await rejectionOf(push(planFor("orders-create.gbp-presentment")));

    expect(error.failureClass).toBe("permanent");
    expect(error.message).toContain("no customer 00000000-dead-4bee-8000-000000000000");
    expect(await cache.get("customer", "jane.doe@example.com")).toBeNull();
    const resync = await push(planFor("orders-create.gbp-presentment"));
    expect(sim.state.orders.get(resync.remoteId!)?.customer_uuid).toBe([...sim.state.customers.keys()][0]);
  });

  it("sends the referral record from the note attributes, which Reverb links to the advocate", async () => {
    const { sim, push, client } = await given();
    const advocateUuid = await client.createCustomer({ website_uuid: config.websiteUuid, email: "advocate@example.com", first_name: "Ada", last_name: "Vocate" });

    const result = await push(
      planFor("orders-create.gbp-presentment", (snapshot) => {
        snapshot.noteAttributes.push({ name: "reverb_referrer_email", value: "advocate@example.com" });
      }),
    );

    expect(sim.state.orders.get(result.remoteId!)?.referral_records).toEqual([{ campaign_uuid: config.campaignUuid, level: "1", referrer_email: "advocate@example.com" }]);
    const referrals = await client.getReferralsForCustomer(advocateUuid);
    expect(referrals).toHaveLength(1);
    expect(referrals[0]).toMatchObject({ referrer_advocate_uuid: advocateUuid, referred_order_uuid: result.remoteId, level: 1 });
  });
});

describe("Reverb's answers", () => {
  it.each([
    { code: "string", order: "object" },
    { code: "number", order: "array" },
    { code: "string", order: "array" },
    { code: "number", order: "object" },
  ] as const)("are read with code as a $code and data.order as an $order", async (form) => {
    const { sim, push, client } = await given({ envelopeVariant: form });

    const result = await push(planFor("orders-create.discount-code-cad"));
    const order = await client.getOrder(result.remoteId!);
    const customer = await client.findCustomer("jane.doe+shopifytest@example.com");

    expect(sim.state.orders.has(result.remoteId!)).toBe(true);
    expect(order).toMatchObject({ order_uuid: result.remoteId, order_number: "#1001", subtotal: "6118.91", customer_email: "jane.doe+shopifytest@example.com" });
    expect(customer?.uuid).toBe(sim.state.orders.get(result.remoteId!)?.customer_uuid);
  });

  it("a not-found inside a 200 (code 404 in the envelope) is read as no customer yet", async () => {
    const { sim, push, calls } = await given({ errorsAs: "envelope" });

    const result = await push(planFor("orders-create.discount-code-cad"));

    expect(calls("GET", `/customers/${config.websiteUuid}/jane.doe%2Bshopifytest%40example.com`).map((entry) => entry.status)).toEqual([200]);
    expect(sim.state.customers.size).toBe(1);
    expect(sim.state.orders.has(result.remoteId!)).toBe(true);
  });

  it.each(["http", "envelope"] as const)("refusing an item without product_url (error as %s status) is permanent and carries the partner's message", async (errorsAs) => {
    const { sim, client } = await given({ errorsAs });
    const customerUuid = await client.createCustomer({ website_uuid: config.websiteUuid, email: "jane.doe@example.com", first_name: "Jane", last_name: "Doe" });
    const item = { product_id: "14887237878091", price: "162.04", quantity: "1", product_title: "This Is WineSpark 6-pack" };
    const body = { website_uuid: config.websiteUuid, customer_uuid: customerUuid, order_number: "#29448", subtotal: "162.04", order_items: [item] };

    const error = await rejectionOf(client.createOrder(body as unknown as ReverbOrderRequest));

    expect(error.failureClass).toBe("permanent");
    expect(error.httpStatus).toBe(errorsAs === "http" ? 400 : 200);
    expect(error.message).toContain("Missing required field: order_items[0].product_url");
    expect(sim.state.orders.size).toBe(0);
  });

  it("wrong credentials are a credentials failure, and Test connection says so", async () => {
    const wrong = reverbConfigSchema.parse({ ...REVERB_SIM_DEFAULTS, consumerSecret: "not-the-secret" });
    const { sim, push, deps } = await given({}, wrong);

    const error = await rejectionOf(push(planFor("orders-create.discount-code-cad")));
    const verified = await reverbConnector.verify(wrong, deps);

    expect(error).toMatchObject({ failureClass: "credentials", httpStatus: 401, message: "Reverb answered 401: Unauthorized" });
    expect(verified).toEqual({ status: "invalid_credentials", message: "Reverb answered 401: Unauthorized" });
    expect(sim.state.customers.size).toBe(0);
    expect(JSON.stringify(error)).not.toContain("not-the-secret");
  });

  it("an Unauthorized answer inside a 200 is a credentials failure too", async () => {
    const { push, sim } = await given();
    sim.knobs.failNext = { count: 1, status: 200, body: { status: false, error: "Unauthorized" } };

    const error = await rejectionOf(push(planFor("orders-create.discount-code-cad")));

    expect(error).toMatchObject({ failureClass: "credentials", httpStatus: 200, message: "Reverb answered 200: Unauthorized" });
  });

  it("Test connection: valid with the right keys, invalid for keys of another website, unreachable when nothing answers", async () => {
    const { sim, deps } = await given();
    const otherWebsite = reverbConfigSchema.parse({ ...REVERB_SIM_DEFAULTS, websiteUuid: "11111111-2222-4333-8444-555555555555" });

    expect(await reverbConnector.verify(config, deps)).toEqual({ status: "valid", message: `Reverb accepted the consumer key and secret for website ${config.websiteUuid}.` });
    expect(await reverbConnector.verify(otherWebsite, deps)).toEqual({
      status: "invalid_credentials",
      message: "Reverb answered 403: Forbidden: website 11111111-2222-4333-8444-555555555555 is not accessible with these API credentials",
    });
    await sim.close();
    expect(await reverbConnector.verify(config, deps)).toMatchObject({ status: "unreachable" });
  });

  it("a 429 with Retry-After is rate limited, a 5xx retryable", async () => {
    const { sim, push } = await given();
    sim.knobs.failNext = { count: 1, status: 429, headers: { "retry-after": "7" } };
    const limited = await rejectionOf(push(planFor("orders-create.discount-code-cad")));
    sim.knobs.failNext = { count: 1, status: 502 };
    const failed = await rejectionOf(push(planFor("orders-create.discount-code-cad")));

    expect(limited).toMatchObject({ failureClass: "rate_limited", retryAfterMs: 7000 });
    expect(failed).toMatchObject({ failureClass: "retryable", httpStatus: 502 });
    expect(sim.state.orders.size).toBe(0);
  });
});

describe("crediting a referrer by hand", () => {
  it("looks the advocate up by email and posts a purchase referral (action 1) for the order", async () => {
    const { sim, push, client, calls } = await given();
    const advocateUuid = await client.createCustomer({ website_uuid: config.websiteUuid, email: "advocate@example.com", first_name: "Ada", last_name: "Vocate" });
    const order = await push(planFor("orders-create.discount-code-cad"));
    const buyerUuid = sim.state.orders.get(order.remoteId!)!.customer_uuid;

    const result = await client.creditReferrer({ referrerEmail: "advocate@example.com", orderUuid: order.remoteId! });

    expect(result).toMatchObject({ status: "credited", referrerAdvocateUuid: advocateUuid });
    expect(calls("POST", "/referrals").map((entry) => entry.body)).toEqual([
      {
        website_uuid: config.websiteUuid,
        campaign_uuid: config.campaignUuid,
        reward_action_type: 1,
        referrer_advocate_uuid: advocateUuid,
        referred_customer_uuid: buyerUuid,
        referred_order_uuid: order.remoteId,
        referred_level: 1,
      },
    ]);
    const [referral] = sim.state.referrals.values();
    expect(referral).toMatchObject({ reward_action_type: 1, referrer_advocate_uuid: advocateUuid, referred_customer_uuid: buyerUuid, referred_order_uuid: order.remoteId });
    expect(await client.getReferral(referral!.uuid)).toMatchObject({ uuid: referral!.uuid, referrer_advocate_uuid: advocateUuid, incentive_used: "LIQUID15PERCENTOFF" });
  });

  it("credits by order number when the referred customer is given", async () => {
    const { sim, push, client } = await given();
    const advocateUuid = await client.createCustomer({ website_uuid: config.websiteUuid, email: "advocate@example.com", first_name: "Ada", last_name: "Vocate" });
    const order = await push(planFor("orders-create.discount-code-cad"));
    const buyerUuid = sim.state.orders.get(order.remoteId!)!.customer_uuid;

    const result = await client.creditReferrer({ referrerEmail: "advocate@example.com", orderNumber: "#1001", referredCustomerUuid: buyerUuid, level: 2 });

    expect(result.status).toBe("credited");
    expect([...sim.state.referrals.values()]).toMatchObject([{ referrer_advocate_uuid: advocateUuid, referred_order_uuid: order.remoteId, level: 2 }]);
  });

  it("posts nothing when no advocate has that email", async () => {
    const { push, client, calls } = await given();
    const order = await push(planFor("orders-create.discount-code-cad"));

    const result = await client.creditReferrer({ referrerEmail: "nobody@example.com", orderUuid: order.remoteId! });

    expect(result).toEqual({ status: "referrer_not_found", message: "Reverb has no advocate with the email nobody@example.com" });
    expect(calls("POST", "/referrals")).toHaveLength(0);
  });
});

describe("what Reverb's pages leave open: the connector against every reading (docs/partners/reverb.md)", () => {
  const readable = REVERB_ORDER_ANSWERS.filter((answer) => answer !== "empty" && answer !== "not_json");

  it.each(readable)("POST answered with the order's id as %s: the id is kept, and the refund goes out as a PUT on it", async (orderAnswer) => {
    const { sim, push, client, calls } = await given({ orderAnswer });

    const created = await push(planFor("orders-create.discount-code-cad"));
    const refunded = planFor("orders-create.discount-code-cad", (snapshot) => {
      snapshot.refunds = [{ id: "1000000001", createdAt: "2024-02-03T10:00:00Z", lineItems: [{ lineItemId: "13672131363072", quantity: 1 }] }];
    });
    await push(refunded, { remoteId: created.remoteId });

    const [uuid] = sim.state.orders.keys();
    expect(created.remoteId).toBe(uuid);
    expect(calls("POST", "/orders")).toHaveLength(1);
    expect(calls("PUT", `/orders/${uuid}`)).toHaveLength(1);
    expect(sim.state.orders.get(uuid!)).toMatchObject({ subtotal: "5506.35", updates: 1 });
    // GET reads the same shapes (amounts as numbers, a null customer_uuid included).
    expect(await client.getOrder(uuid!)).toMatchObject({ order_uuid: uuid, order_number: "#1001", subtotal: "5506.35" });
  });

  it.each(["empty", "not_json"] as const)("a 200 with %s body: the order exists at Reverb, so it waits for the merchant and is never posted again", async (orderAnswer) => {
    const { sim, push, calls } = await given({ orderAnswer });

    const first = push(planFor("orders-create.discount-code-cad"));
    await expect(first).rejects.toMatchObject({ name: "CreateOutcomeUnknown", state: "accepted_without_id", message: expect.stringContaining("Reverb accepted order #1001 but did not say its id") });
    // The worker stores that state (app/sync/run-job.server.ts); the next attempt, a resync or a later webhook, finds it.
    const again = push(planFor("orders-create.discount-code-cad"), { createRecord: { state: "accepted_without_id", sentAt: new Date() } });
    await expect(again).rejects.toBeInstanceOf(CreateOutcomeUnknown);

    expect(calls("POST", "/orders")).toHaveLength(1);
    expect(sim.state.orders.size).toBe(1);
  });

  it("a 200 carrying a refusal in its envelope is a refusal (nothing created): the POST may be retried", async () => {
    const { sim, push } = await given({ errorsAs: "envelope" });
    await push(planFor("orders-create.discount-code-cad"));
    sim.knobs.failNext = { count: 1, status: 200, body: { response: { code: "500", message: "Internal error, try again" } } };

    const error = await rejectionOf(push(planFor("orders-create.gbp-presentment")));

    expect(error).toMatchObject({ failureClass: "permanent", httpStatus: 200 });
    expect(error.uncertain).toBe(false);
  });

  it("referral records go with the first POST only: edits, refunds and the cancellation never credit the referrer again, even where Reverb appends them", async () => {
    const { sim, push, client, calls } = await given({ referralsOnPut: "append" });
    const advocateUuid = await client.createCustomer({ website_uuid: config.websiteUuid, email: "advocate@example.com", first_name: "Ada", last_name: "Vocate" });
    const referred = (snapshot: OrderSnapshot) => {
      snapshot.noteAttributes.push({ name: "reverb_referrer_email", value: "advocate@example.com" });
      snapshot.cancelledAt = null;
      snapshot.cancelReason = null;
      snapshot.refunds = [];
    };
    const created = await push(planFor("orders-cancelled.refunded-cad", referred));

    // Then an edit and the real cancellation, as later webhooks bring them.
    await push(
      planFor("orders-cancelled.refunded-cad", (snapshot) => (referred(snapshot), snapshot.lineItems.splice(1))),
      { remoteId: created.remoteId },
    );
    await push(
      planFor("orders-cancelled.refunded-cad", (snapshot) => snapshot.noteAttributes.push({ name: "reverb_referrer_email", value: "advocate@example.com" })),
      { remoteId: created.remoteId },
    );

    expect(calls("POST", "/orders").map((entry) => (entry.body as { referral_records?: unknown }).referral_records)).toEqual([
      [{ campaign_uuid: config.campaignUuid, level: "1", referrer_email: "advocate@example.com" }],
    ]);
    expect(calls("PUT", `/orders/${created.remoteId}`).map((entry) => Object.keys(entry.body as object))).toEqual([
      expect.not.arrayContaining(["referral_records"]),
      expect.not.arrayContaining(["referral_records"]),
    ]);
    expect(await client.getReferralsForCustomer(advocateUuid)).toHaveLength(1);
    expect(sim.state.orders.get(created.remoteId!)).toMatchObject({ subtotal: "0.00", updates: 2 });
  });
});

describe("crediting a referrer once", () => {
  it("a second credit for the same order posts nothing and says it is already credited", async () => {
    const { sim, push, client, calls } = await given();
    await client.createCustomer({ website_uuid: config.websiteUuid, email: "advocate@example.com", first_name: "Ada", last_name: "Vocate" });
    const order = await push(planFor("orders-create.discount-code-cad"));
    await client.creditReferrer({ referrerEmail: "advocate@example.com", orderUuid: order.remoteId! });

    const second = await client.creditReferrer({ referrerEmail: "advocate@example.com", orderUuid: order.remoteId! });

    expect(second).toMatchObject({ status: "already_credited", referral: { referred_order_uuid: order.remoteId } });
    expect(calls("POST", "/referrals")).toHaveLength(1);
    expect(sim.state.referrals.size).toBe(1);
  });

  it("an order whose first POST carried the referral is already credited: nothing is posted", async () => {
    const { push, client, calls } = await given();
    await client.createCustomer({ website_uuid: config.websiteUuid, email: "advocate@example.com", first_name: "Ada", last_name: "Vocate" });
    const order = await push(planFor("orders-create.gbp-presentment", (snapshot) => snapshot.noteAttributes.push({ name: "reverb_referrer_email", value: "advocate@example.com" })));

    expect(await client.creditReferrer({ referrerEmail: "advocate@example.com", orderUuid: order.remoteId! })).toMatchObject({ status: "already_credited" });
    expect(calls("POST", "/referrals")).toHaveLength(0);
  });

  it("sends referrer_order_uuid, the referrer's own order, for a referred purchase", async () => {
    const { sim, push, client, calls } = await given();
    // The referrer (jane.doe@example.com) bought before; the referred buyer is jane.doe+shopifytest@example.com.
    const referrersOrder = await push(planFor("orders-create.gbp-presentment"));
    const referredOrder = await push(planFor("orders-create.discount-code-cad"));

    const result = await client.creditReferrer({ referrerEmail: "jane.doe@example.com", orderUuid: referredOrder.remoteId!, referrerOrderUuid: referrersOrder.remoteId! });

    expect(result.status).toBe("credited");
    expect(calls("POST", "/referrals")[0]!.body).toMatchObject({ referrer_order_uuid: referrersOrder.remoteId, referred_order_uuid: referredOrder.remoteId });
    expect([...sim.state.referrals.values()][0]).toMatchObject({ referrer_order_uuid: referrersOrder.remoteId });
  });

  it("with a null customer_uuid in Reverb's order, the referred customer is found by the order's email", async () => {
    const { sim, push, client } = await given({ orderAnswer: "numbers" });
    const advocateUuid = await client.createCustomer({ website_uuid: config.websiteUuid, email: "advocate@example.com", first_name: "Ada", last_name: "Vocate" });
    const order = await push(planFor("orders-create.discount-code-cad"));

    expect(await client.creditReferrer({ referrerEmail: "advocate@example.com", orderUuid: order.remoteId! })).toMatchObject({ status: "credited" });
    expect([...sim.state.referrals.values()][0]).toMatchObject({ referrer_advocate_uuid: advocateUuid, referred_customer_uuid: sim.state.orders.get(order.remoteId!)!.customer_uuid });
  });
});
