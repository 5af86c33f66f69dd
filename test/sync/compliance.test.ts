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

const send = (topic: string, body: string) => postWebhook(h.url, signWebhook({ topic, shop: SHOP, body, secret: TEST_SECRET }));

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
    h.ctx.runner.now = clock.now;
    await startWorker(h.ctx.runner, { loop: false }).runDue();
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
    const res = await send("shop/redact", loadFixture("shop-redact.sample"));
    expect(res.status).toBe(200);
    const { db } = h.ctx;
    const left = await Promise.all([db.orderSnapshot.count(), db.syncJob.count(), db.partnerConfig.count(), db.session.count(), db.webhookEvent.count()]);
    expect(left).toEqual([0, 0, 0, 0, 0]);
  });

  it("app/uninstalled deletes the shop's sessions and pauses its syncs until it is installed again", async () => {
    await send("orders/create", loadFixture("orders-create.discount-code-cad"));
    expect(await h.ctx.db.session.count({ where: { shop: SHOP } })).toBe(1);

    const res = await send("app/uninstalled", loadFixture("app-uninstalled.sample"));

    expect(res.status).toBe(200);
    expect(await h.ctx.db.session.count({ where: { shop: SHOP } })).toBe(0);
    const job = await h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP } });
    expect([job.status, job.lastError]).toEqual(["paused", "The app was uninstalled from this shop"]);
    expect(await startWorker(h.ctx.runner, { loop: false }).runDue()).toBe(0);
    expect(tf.log).toHaveLength(0);
  });
});
