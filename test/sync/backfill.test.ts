// Backfill end to end: the Admin API stand-in holds a store's history (POST
// /_local/orders), the app exports it through a bulk operation, streams the
// JSONL, records each order as its webhook would have been, and the worker sends
// the jobs to the TestFreaks simulator behind live orders.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "~/logger";
import { readOrdersExport, webhookBodyOfExportedOrder } from "~/shopify/bulk-orders.server";
import { backfillView, cancelBackfill, runBackfill, startBackfill, type BackfillDeps } from "~/sync/backfill.server";
import { shopGraphql } from "~/sync/backfill-runner.server";
import { JOB_PRIORITY } from "~/sync/job-priority";
import { startWorker, type Worker } from "~/sync/worker.server";
import { historyOrders, postHistory } from "../simulators/history-orders";
import { loadFixture, orderFixtureNames } from "../fixtures/shopify";
import { orderNodeFromWebhook } from "../simulators/shopify-admin";
import { bulkLines } from "../simulators/shopify-history";
import { snapshotFromGraphqlOrder } from "~/shopify/order-translate";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import { SHOP, startPipeline, type Pipeline } from "./fixtures";

let p: Pipeline;
let worker: Worker;
const FROM = new Date("2026-03-01T00:00:00Z");

beforeEach(async () => {
  p = await startPipeline();
  worker = startWorker(p.h.ctx.runner, { loop: false });
});
afterEach(async () => {
  await worker.stop();
  await p.close();
});

const deps = (owner = "test-worker", batchSize?: number): BackfillDeps => ({
  db: p.h.ctx.db,
  graphqlFor: shopGraphql(p.h.ctx),
  logger: silentLogger,
  owner,
  pollMs: 5,
  ...(batchSize ? { batchSize } : {}),
});
const row = (id: string) => p.h.ctx.db.backfill.findUniqueOrThrow({ where: { id } });
const testfreaksPosts = () => p.tf.log.filter((r) => r.method === "POST" && r.path.endsWith("/orders")).map((r) => (r.body as { order: { id: string } }).order.id);

/** Runs the backfill as a worker would, pass after pass, until it waits for its jobs or ends. */
async function runUntil(id: string, statuses: string[], owner = "test-worker", stopping?: () => boolean, batchSize?: number) {
  for (let pass = 0; pass < 500; pass++) {
    await runBackfill(deps(owner, batchSize), id, stopping);
    // As a worker's loop would, come back a moment later (the export is looked at once per pass).
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (statuses.includes((await row(id)).status)) return row(id);
  }
  throw new Error(`backfill still ${(await row(id)).status}`);
}

describe("the Admin API stand-in's bulk export", () => {
  it("writes Shopify's JSONL: each order's line, then its line items and fulfillment lines, each naming its parent", async () => {
    await postHistory(p.admin.url, [loadFixture("orders-updated.tracking-delivered-usd")]);
    const started = await startBackfill(p.h.ctx.db, SHOP, { since: new Date("2020-01-01T00:00:00Z"), partner: "testfreaks" });
    if (!started.ok) throw new Error(started.message);
    await runUntil(started.id, ["reading", "syncing"]);
    const op = [...p.admin.history.operations.values()].at(-1)!;
    expect(op).toMatchObject({ status: "COMPLETED", groupObjects: true, rootObjectCount: 1 });

    const lines = (await (await fetch(op.url!)).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).not.toHaveProperty("__parentId");
    expect(lines[0]).not.toHaveProperty("lineItems");
    const order = p.admin.orders.get("2628173987889")!;
    const expected = [...order.lineItems.nodes.map(() => ["LineItem", order.id]), ...order.fulfillments.flatMap((f) => f.fulfillmentLineItems.nodes.map(() => ["FulfillmentLineItem", f.id]))];
    expect(expected.length).toBeGreaterThan(2);
    expect(lines.slice(1).map((line) => [String(line.id).split("/")[3], line.__parentId])).toEqual(expected);
    expect(op.objectCount).toBe(lines.length);
  });

  it("refuses a file whose children are not under the order before them (ungrouped output)", async () => {
    const file = ['{"id":"gid://shopify/Order/1"}', '{"id":"gid://shopify/Order/2"}', '{"id":"gid://shopify/LineItem/9","__parentId":"gid://shopify/Order/1"}'].join("\n");
    const read = async () => {
      for await (const order of readOrdersExport(`data:application/jsonl,${encodeURIComponent(file)}`)) void order;
    };
    await expect(read()).rejects.toThrow(/not grouped by order/);
  });
});

describe("backfill", () => {
  it("sends every order since the date once, leaves the older ones, and counts what happened", async () => {
    // 2 orders before the date, 12 after; one of those already arrived by webhook.
    const bodies = historyOrders(14, { from: new Date(FROM.getTime() - 2 * 3_600_000), spacingMs: 3_600_000 });
    await postHistory(p.admin.url, bodies);
    expect((await p.send("orders/create", bodies[5]!)).status).toBe(200);
    await worker.runDue();
    expect(testfreaksPosts()).toHaveLength(1);

    const started = await startBackfill(p.h.ctx.db, SHOP, { since: FROM, partner: "testfreaks" });
    if (!started.ok) throw new Error(started.message);
    const read = await runUntil(started.id, ["syncing"]);
    expect([read.ordersTotal, read.ordersRead, read.queued, read.unchanged, read.invalid]).toEqual([12, 12, 11, 1, 0]);
    // Behind live orders: every job the backfill queued waits with the backfill's priority.
    expect(await p.h.ctx.db.syncJob.count({ where: { shop: SHOP, backfillId: started.id, priority: JOB_PRIORITY.backfill, status: "pending" } })).toBe(11);

    await worker.runDue();
    const done = await runUntil(started.id, ["finished"]);

    expect([done.synced, done.failed, done.skipped]).toEqual([11, 0, 0]);
    const posted = testfreaksPosts();
    expect(posted).toHaveLength(12);
    expect(new Set(posted).size).toBe(12);
    expect(posted).not.toContain("#H1001");
    const view = backfillView(done);
    expect(view.progress).toBe(1);
    expect(view.summary).toMatch(/finished.*12 orders read, 11 orders sent: 11 synced, 0 failed, 0 skipped; 1 order already up to date/);

    // A second backfill of the same dates finds everything up to date and sends nothing.
    const again = await startBackfill(p.h.ctx.db, SHOP, { since: FROM, partner: "testfreaks" });
    if (!again.ok) throw new Error(again.message);
    const second = await runUntil(again.id, ["finished"]);
    expect([second.ordersRead, second.queued, second.unchanged]).toEqual([12, 0, 12]);
    await worker.runDue();
    expect(testfreaksPosts()).toHaveLength(12);
  });

  it("a live order that arrives during a backfill is sent before the backfill's orders", async () => {
    await postHistory(p.admin.url, historyOrders(20, { from: FROM }));
    const started = await startBackfill(p.h.ctx.db, SHOP, { since: FROM });
    if (!started.ok) throw new Error(started.message);
    await runUntil(started.id, ["syncing"]);

    expect((await p.send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"))).status).toBe(200);
    const [first] = await p.h.ctx.runner.queue.claim("probe", 1, new Date());

    expect(first?.orderId).toBe("2628173987889");
    expect(first?.orderId).not.toMatch(/^7000/);
  });

  it("resumes where it was after its worker stopped mid-file: every order read once, none sent twice", async () => {
    await postHistory(p.admin.url, historyOrders(30, { from: FROM }));
    const started = await startBackfill(p.h.ctx.db, SHOP, { since: FROM, partner: "testfreaks" });
    if (!started.ok) throw new Error(started.message);
    // The first worker is going down: it stops after the export, once it has recorded a batch of five orders, then again after five more.
    await runUntil(started.id, ["reading"], "first-worker", () => true, 5);
    await runBackfill(deps("first-worker", 5), started.id, () => true);
    const stopped = await row(started.id);
    expect(stopped.status).toBe("reading");
    expect(stopped.ordersRead).toBe(10);
    expect(stopped.leaseOwner).toBeNull();

    const done = await runUntil(started.id, ["syncing"], "second-worker");
    expect([done.ordersRead, done.queued, done.unchanged]).toEqual([30, 30, 0]);
    await worker.runDue();
    expect(testfreaksPosts()).toHaveLength(30);
    expect(new Set(testfreaksPosts()).size).toBe(30);
    expect((await runUntil(started.id, ["finished"])).synced).toBe(30);
  });

  it("cancelled, reads no further and leaves its jobs not yet sent unsent", async () => {
    await postHistory(p.admin.url, historyOrders(10, { from: FROM }));
    const started = await startBackfill(p.h.ctx.db, SHOP, { since: FROM, partner: "testfreaks" });
    if (!started.ok) throw new Error(started.message);
    await runUntil(started.id, ["syncing"]);

    expect(await cancelBackfill(p.h.ctx.db, SHOP, started.id)).toBe(true);
    await worker.runDue();

    const cancelled = await row(started.id);
    expect([cancelled.status, cancelled.skipped]).toEqual(["cancelled", 10]);
    expect(testfreaksPosts()).toHaveLength(0);
    expect(backfillView(cancelled).summary).toMatch(/cancelled after 10 orders read/);
    expect(await runBackfill(deps(), started.id)).toBe(false);
  });

  it("refuses a second backfill while one runs, a partner not set up, and a date in the future", async () => {
    expect(await startBackfill(p.h.ctx.db, SHOP, { since: FROM, partner: "reverb" })).toEqual({ ok: false, message: "Reverb is not set up: save its settings first." });
    expect(await startBackfill(p.h.ctx.db, SHOP, { since: new Date(Date.now() + 86_400_000) })).toMatchObject({ ok: false, message: expect.stringMatching(/future/) });
    expect((await startBackfill(p.h.ctx.db, SHOP, { since: FROM })).ok).toBe(true);
    expect(await startBackfill(p.h.ctx.db, SHOP, { since: FROM })).toMatchObject({ ok: false, message: expect.stringMatching(/already running/) });
  });

  it("an order read back from Shopify's bulk file gives the very snapshot the admin's resync reads through order(id:)", async () => {
    for (const name of orderFixtureNames) {
      const node = orderNodeFromWebhook(loadFixture(name));
      const file = bulkLines(node)
        .map((line) => JSON.stringify(line))
        .join("\n");
      const read: unknown[] = [];
      for await (const order of readOrdersExport(`data:application/jsonl,${encodeURIComponent(file)}`)) read.push(order.node);
      expect(read).toHaveLength(1);

      const exported = webhookBodyOfExportedOrder(read[0]);
      const viaResync = snapshotFromGraphqlOrder(node);
      if (!exported.ok || !viaResync.ok) throw new Error(`${name}: ${exported.ok ? "" : exported.error} ${viaResync.ok ? "" : viaResync.error}`);
      const snapshot = extractOrderSnapshot(exported.body);
      expect(snapshot.ok && snapshot.snapshot, name).toEqual(viaResync.snapshot);
    }
    expect(webhookBodyOfExportedOrder({ id: "gid://shopify/Order/1", name: "#1" })).toMatchObject({ ok: false, name: "#1" });
  });
});
