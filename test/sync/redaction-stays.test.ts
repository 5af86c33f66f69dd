// customers/redact, after the fact: what arrives or runs after the request must not
// bring the customer's personal data back (app/sync/compliance.server.ts).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify";
import { fakeClock, type Harness } from "../support/harness";
import { startWorker } from "~/sync/worker.server";
import { redactionEmailHash } from "~/sync/compliance.server";
import type { OrderSnapshot } from "~/orders/snapshot";
import { SHOP, startPipeline, withUpdatedAt, type Pipeline } from "./fixtures";

const ORDER = "5492763623680";
const CUSTOMER = 7156883718400;
const EMAIL = "jane.doe+shopifytest@example.com";
const STREET = "1 Example Avenue";

let p: Pipeline;
let h: Harness;

beforeEach(async () => {
  p = await startPipeline();
  ({ h } = p);
});
afterEach(async () => p.close());

const redact = (customer: { id?: number | null; email?: string | null }, orders: number[] = []) =>
  p.send("customers/redact", JSON.stringify({ shop_id: 1, shop_domain: SHOP, customer: { phone: null, ...customer }, orders_to_redact: orders }));

const snapshot = async (orderId = ORDER) => JSON.parse((await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP, orderId } })).payload) as OrderSnapshot;

/** Every text value of every table a customer's data can reach, for searching. */
async function everythingStored(): Promise<string> {
  const { db } = h.ctx;
  return JSON.stringify(
    await Promise.all([db.webhookEvent.findMany(), db.orderSnapshot.findMany(), db.syncJob.findMany(), db.syncAttempt.findMany(), db.partnerCache.findMany(), db.complianceRequest.findMany()]),
  );
}

/** The fixture order as the customer typed their email: mixed case. */
const mixedCase = (raw: string) => raw.replaceAll(EMAIL, "Jane.Doe+ShopifyTest@Example.COM");

describe("customers/redact stays in force", () => {
  it("gives the erased snapshot a new version, so an inbox merge that read the order before cannot write its personal data back", async () => {
    await p.send("orders/create", loadFixture("orders-create.discount-code-cad"));
    const before = await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP, orderId: ORDER } });

    expect((await redact({ id: CUSTOMER, email: EMAIL }, [Number(ORDER)])).status).toBe(200);

    const after = await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP, orderId: ORDER } });
    expect(after.version).toBe(before.version + 1);
    // The merge's compare-and-set on the version it read now writes nothing.
    expect((await h.ctx.db.orderSnapshot.updateMany({ where: { id: before.id, version: before.version }, data: { email: EMAIL } })).count).toBe(0);
  });

  it("a later delivery of the erased customer's order is stored without the personal data, in the snapshot and in the inbox", async () => {
    await p.send("orders/create", loadFixture("orders-create.discount-code-cad"));
    expect((await redact({ id: CUSTOMER, email: EMAIL }, [Number(ORDER)])).status).toBe(200);

    // Shopify delivers a later state of the order (here its cancellation), with the customer in it.
    expect((await p.send("orders/cancelled", loadFixture("orders-cancelled.discount-code-cad.derived"))).status).toBe(200);

    const after = await snapshot();
    expect(after.cancelledAt).not.toBeNull();
    expect([after.piiRedacted, after.email, after.customer?.firstName, after.shippingAddress]).toEqual([true, null, null, null]);
    const stored = await everythingStored();
    for (const pii of [EMAIL, STREET]) expect(stored.includes(pii), `${pii} is stored again`).toBe(false);
  });

  it("keeps the record of the request without the email in clear", async () => {
    await p.send("orders/create", loadFixture("orders-create.discount-code-cad"));
    await redact({ id: CUSTOMER, email: "Jane.Doe+ShopifyTest@example.com" });

    const record = await h.ctx.db.complianceRequest.findFirstOrThrow({ where: { shop: SHOP, topic: "customers/redact" } });
    expect(record.customerId).toBe(String(CUSTOMER));
    expect(record.emailHash).toBe(redactionEmailHash(SHOP, EMAIL));
    expect(JSON.stringify(record).toLowerCase()).not.toContain("jane");
  });

  it("finds the customer's orders by email in any letter case", async () => {
    await p.send("orders/create", mixedCase(loadFixture("orders-create.discount-code-cad")));
    expect((await h.ctx.db.orderSnapshot.findFirstOrThrow({ where: { orderId: ORDER } })).email).toBe("Jane.Doe+ShopifyTest@Example.COM");

    // Shopify names the customer by email only (no id, no orders).
    await redact({ id: null, email: EMAIL });

    expect((await snapshot()).piiRedacted).toBe(true);
    expect((await everythingStored()).toLowerCase()).not.toContain(EMAIL);
  });

  it("forgets Reverb's remembered customer under every email the customer's orders carry, not only the request's", async () => {
    await p.send("orders/create", loadFixture("orders-create.discount-code-cad"));
    // What the Reverb connector remembers after posting the order: the advocate's uuid by lowercased email.
    await h.ctx.db.partnerCache.create({ data: { shop: SHOP, partner: "reverb", kind: "customer", key: EMAIL, value: "adv-uuid-1" } });
    await h.ctx.db.partnerCache.create({ data: { shop: SHOP, partner: "reverb", kind: "customer", key: "someone.else@example.com", value: "adv-uuid-2" } });

    // The customer's email in Shopify has changed since the order.
    await redact({ id: CUSTOMER, email: "jane.new-address@example.com" });

    const left = await h.ctx.db.partnerCache.findMany({ where: { shop: SHOP } });
    expect(left.map((r) => r.key)).toEqual(["someone.else@example.com"]);
  });

  it("keeps an order the customer places after the request: it is new data they gave", async () => {
    await redact({ id: CUSTOMER, email: EMAIL });
    const placedLater = new Date(Date.now() + 60_000).toISOString();
    const body = withUpdatedAt(loadFixture("orders-create.discount-code-cad"), placedLater).replace(/"created_at": "2024-02-02T15:57:33-05:00"/, `"created_at": "${placedLater}"`);

    await p.send("orders/create", body);

    const kept = await snapshot();
    expect([kept.piiRedacted, kept.email]).toEqual([false, EMAIL]);
  });

  it("a job calling the partner while the customer is erased does not write the data back when it settles", async () => {
    await p.send("orders/create", loadFixture("orders-create.discount-code-cad"));
    const clock = fakeClock(new Date(Date.now() + 60_000));
    // The request arrives at the partner once the job has read the order: the erasure happens right then.
    const partnerFetch = h.ctx.runner.fetch;
    let redacted = false;
    const fetchThenRedact: typeof fetch = async (input, init) => {
      if (!redacted && String(input).startsWith(p.tf.url) && init?.method === "POST") {
        redacted = true;
        expect((await redact({ id: CUSTOMER, email: EMAIL }, [Number(ORDER)])).status).toBe(200);
      }
      return partnerFetch(input, init);
    };

    await startWorker({ ...h.ctx.runner, now: clock.now, fetch: fetchThenRedact }, { loop: false }).runDue();

    expect(redacted).toBe(true);
    const job = await h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, orderId: ORDER } });
    expect(job.status).toBe("synced");
    expect(job.lastSentBody).toBeNull();
    const stored = await everythingStored();
    for (const pii of [EMAIL, "Jane Doe"]) expect(stored.includes(pii), `${pii} was written back`).toBe(false);
  });
});
