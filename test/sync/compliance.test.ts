import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify";
import { fakeClock, TEST_SECRET, type Harness } from "../support/harness";
import { postWebhook, signWebhook } from "../support/webhooks";
import type { TestfreaksSimulator } from "../simulators/testfreaks";
import { startWorker } from "~/sync/worker.server";
import { SHOP, startPipeline, type Pipeline } from "./fixtures";

let p: Pipeline;
let h: Harness;
let tf: TestfreaksSimulator;

beforeEach(async () => {
  p = await startPipeline();
  ({ h, tf } = p);
});
afterEach(async () => p.close());

const send = (topic: string, body: string, options: { shop?: string; triggeredAt?: Date } = {}) => {
  const webhook = signWebhook({ topic, shop: options.shop ?? SHOP, body, secret: TEST_SECRET });
  if (options.triggeredAt) webhook.headers["x-shopify-triggered-at"] = options.triggeredAt.toISOString();
  return postWebhook(h.url, webhook);
};

/** Shopify's sample bodies name a placeholder shop; a real delivery names the shop it is for. */
const shopRedactFor = (shop: string) => loadFixture("shop-redact.sample").replace("{shop}.myshopify.com", shop);
const uninstalledFor = (shop: string) => JSON.stringify({ ...(JSON.parse(loadFixture("app-uninstalled.sample")) as object), myshopify_domain: shop, domain: shop });

/** Every text value in every table of the store, for searching. */
async function everythingStored(): Promise<string> {
  const { db } = h.ctx;
  const tables = await Promise.all([
    db.webhookEvent.findMany(),
    db.orderSnapshot.findMany(),
    db.syncJob.findMany(),
    db.syncAttempt.findMany(),
    db.partnerCache.findMany(),
    db.complianceRequest.findMany(),
    db.partnerConfig.findMany(),
  ]);
  return JSON.stringify(tables);
}

describe("compliance webhooks", () => {
  it("customers/redact leaves no personal data of that customer in the store, and keeps the other customers'", async () => {
    await send("orders/create", loadFixture("orders-create.discount-code-cad"));
    await send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
    const clock = fakeClock(new Date(Date.now() + 60_000));
    await startWorker({ ...h.ctx.runner, now: clock.now }, { loop: false }).runDue();
    const before = await everythingStored();
    expect(before).toContain("jane.doe+shopifytest@example.com");
    expect(before).toContain("1 Example Avenue");

    const res = await send(
      "customers/redact",
      JSON.stringify({ shop_id: 1, shop_domain: SHOP, customer: { id: 7156883718400, email: "jane.doe+shopifytest@example.com", phone: null }, orders_to_redact: [5492763623680] }),
    );

    expect(res.status).toBe(200);
    const after = await everythingStored();
    for (const pii of ["jane.doe+shopifytest@example.com", "1 Example Avenue"]) {
      expect(after.includes(pii), `${pii} is still stored`).toBe(false);
    }
    // Both fixtures' customers are named Jane Doe: look for the name in the redacted order's rows only.
    const redactedOrder = JSON.stringify([
      await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { orderId: "5492763623680" } }),
      await h.ctx.db.syncJob.findMany({ where: { orderId: "5492763623680" }, include: { attemptLog: true } }),
    ]);
    expect(redactedOrder).not.toMatch(/Jane|Doe/);
    // The other customer's order (jane.doe@example.com, 1 example street) is untouched.
    expect(after).toContain("jane.doe@example.com");
    expect(after).toContain("1 example street");
    // The order itself stays, without its PII, so the sync history stays readable.
    expect(await h.ctx.db.orderSnapshot.count()).toBe(2);
    expect(await h.ctx.db.complianceRequest.count({ where: { topic: "customers/redact" } })).toBe(1);
  });

  it("customers/data_request answers 200 and records the request", async () => {
    const res = await send("customers/data_request", loadFixture("customers-data-request.sample"));
    expect(res.status).toBe(200);
    const request = await h.ctx.db.complianceRequest.findFirstOrThrow({ where: { shop: SHOP } });
    expect(request.topic).toBe("customers/data_request");
    expect(JSON.parse(request.orders!)).toEqual(["299938", "280263", "220458"]);
  });

  it("shop/redact erases everything of the shop", async () => {
    await send("orders/create", loadFixture("orders-create.discount-code-cad"));
    const res = await send("shop/redact", shopRedactFor(SHOP));
    expect(res.status).toBe(200);
    const { db } = h.ctx;
    const left = await Promise.all([db.orderSnapshot.count(), db.syncJob.count(), db.partnerConfig.count(), db.session.count(), db.webhookEvent.count()]);
    expect(left).toEqual([0, 0, 0, 0, 0]);
  });

  it("app/uninstalled deletes the shop's sessions and pauses its syncs until it is installed again", async () => {
    await send("orders/create", loadFixture("orders-create.discount-code-cad"));
    expect(await h.ctx.db.session.count({ where: { shop: SHOP } })).toBe(1);

    const res = await send("app/uninstalled", uninstalledFor(SHOP));

    expect(res.status).toBe(200);
    expect(await h.ctx.db.session.count({ where: { shop: SHOP } })).toBe(0);
    const job = await h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP } });
    expect([job.status, job.lastError]).toEqual(["paused", "The app was uninstalled from this shop"]);
    expect(await startWorker(h.ctx.runner, { loop: false }).runDue()).toBe(0);
    expect(tf.log).toHaveLength(0);
  });

  it("a late retry of app/uninstalled, triggered before the latest install, changes nothing", async () => {
    const uninstalledAt = new Date(Date.now() - 60_000);
    // The shop reinstalled after that uninstall (a token exchange marks it installed now).
    await send("orders/create", loadFixture("orders-create.discount-code-cad"));

    const res = await send("app/uninstalled", uninstalledFor(SHOP), { triggeredAt: uninstalledAt });

    expect([res.status, await res.text()]).toEqual([200, "stale"]);
    expect(await h.ctx.db.session.count({ where: { shop: SHOP } })).toBe(1);
    const job = await h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP } });
    expect(job.status).toBe("pending");
    expect((await h.ctx.db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).uninstalledAt).toBeNull();
  });

  it("shop/redact, app/uninstalled and customers/redact whose body names another shop than the header are refused, and change nothing", async () => {
    await send("orders/create", loadFixture("orders-create.discount-code-cad"));
    const before = await everythingStored();
    const other = "someone-else.myshopify.com";

    const answers = await Promise.all([
      send("shop/redact", shopRedactFor(other)),
      send("app/uninstalled", uninstalledFor(other)),
      send("customers/redact", JSON.stringify({ shop_id: 1, shop_domain: other, customer: { id: 7156883718400, email: "jane.doe+shopifytest@example.com" }, orders_to_redact: [] })),
      // Shopify's own sample names no shop at all: it cannot be this shop's.
      send("app/uninstalled", loadFixture("app-uninstalled.sample")),
    ]);

    expect(answers.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(await answers[0]!.text()).toMatch(/names someone-else\.myshopify\.com, not sync-test\.myshopify\.com/);
    expect(await everythingStored()).toBe(before);
    expect(await h.ctx.db.session.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("order deliveries for a shop that does not have the app are answered 200 and store nothing", async () => {
    const never = "never-installed.myshopify.com";
    const res = await send("orders/create", loadFixture("orders-create.discount-code-cad"), { shop: never });
    expect(res.status).toBe(200);

    // Uninstalled, then erased 48 hours later: later deliveries keep nothing either.
    await send("app/uninstalled", uninstalledFor(SHOP));
    const afterUninstall = await send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
    await send("shop/redact", shopRedactFor(SHOP));
    const afterRedact = await send("orders/create", loadFixture("orders-create.guest-discount-hkd"));

    expect([afterUninstall.status, afterRedact.status]).toEqual([200, 200]);
    const { db } = h.ctx;
    expect(await Promise.all([db.orderSnapshot.count(), db.webhookEvent.count(), db.syncJob.count()])).toEqual([0, 0, 0]);
    expect(await everythingStored()).not.toMatch(/@example\.com|Jane|Doe/);
  });

  it("app/scopes_update records the scopes the merchant granted on the offline session", async () => {
    const res = await send(
      "app/scopes_update",
      JSON.stringify({ id: 1, previous: ["read_orders"], current: ["read_orders", "read_products", "read_fulfillments", "read_all_orders"], updated_at: new Date().toISOString() }),
    );
    expect(res.status).toBe(200);
    const session = await h.ctx.db.session.findFirstOrThrow({ where: { shop: SHOP } });
    expect(session.scope).toBe("read_orders,read_products,read_fulfillments,read_all_orders");
  });
});
