// Reconciliation: a replay in which Shopify's webhooks for some orders never
// arrive and others arrive late ends, after one reconciliation, with every order
// synced and none sent twice.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "~/logger";
import { shopGraphql } from "~/sync/backfill-runner.server";
import { dueReconciliations, requestReconciliation, runReconciliation, type ReconcileDeps } from "~/sync/reconcile.server";
import { startWorker, type Worker } from "~/sync/worker.server";
import { historyOrders, postHistory } from "../simulators/history-orders";
import { SHOP, startPipeline, type Pipeline } from "./fixtures";

let p: Pipeline;
let worker: Worker;
beforeEach(async () => {
  p = await startPipeline();
  worker = startWorker(p.h.ctx.runner, { loop: false });
});
afterEach(async () => {
  await worker.stop();
  await p.close();
});

const deps = (): ReconcileDeps => ({ db: p.h.ctx.db, graphqlFor: shopGraphql(p.h.ctx), logger: silentLogger, owner: "test-worker", pageSize: 4 });
const postsPerOrder = () => {
  const counts = new Map<string, number>();
  for (const r of p.tf.log.filter((entry) => entry.method === "POST" && entry.path.endsWith("/orders"))) {
    const id = (r.body as { order: { id: string } }).order.id;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
};

describe("reconciliation", () => {
  it("recovers dropped and late webhooks and an order changed after its webhook: every order synced once", async () => {
    // Nine orders placed in the last two minutes; Shopify holds them all.
    const bodies = historyOrders(9, { from: new Date(Date.now() - 120_000), spacingMs: 5_000 });
    await postHistory(p.admin.url, bodies);
    // 0-2 delivered; 3-5 dropped; 6-8 delivered only after the reconciliation.
    for (const body of bodies.slice(0, 3)) expect((await p.send("orders/create", body)).status).toBe(200);
    await worker.runDue();
    // Order 0 then changed in Shopify, and that orders/updated webhook was dropped too.
    const changed = bodies[0]!.replace(/"updated_at":"[^"]*"/, `"updated_at":"${new Date(Date.now() - 1_000).toISOString().replace(/\.\d{3}Z$/, "Z")}"`);
    await postHistory(p.admin.url, [changed]);

    const result = await runReconciliation(deps(), SHOP);

    expect(result).toEqual({ read: 9, recovered: 7 });
    await worker.runDue();
    for (const body of bodies.slice(6)) expect((await p.send("orders/create", body)).status).toBe(200);
    await worker.runDue();

    const jobs = await p.h.ctx.db.syncJob.findMany({ where: { shop: SHOP } });
    expect(jobs).toHaveLength(9);
    expect(jobs.every((job) => job.status === "synced")).toBe(true);
    const posts = postsPerOrder();
    expect(posts.size).toBe(9);
    expect([...posts.values()].every((n) => n === 1)).toBe(true);
    // The late deliveries were stale copies of what reconciliation had recorded.
    expect(await p.h.ctx.db.webhookEvent.count({ where: { shop: SHOP, source: "webhook", outcome: "stale" } })).toBe(3);
    expect(await p.h.ctx.db.webhookEvent.count({ where: { shop: SHOP, source: "reconcile" } })).toBe(7);

    const row = await p.h.ctx.db.reconciliation.findUniqueOrThrow({ where: { shop: SHOP } });
    expect([row.lastRead, row.lastRecovered, row.recoveredTotal, row.error, row.status]).toEqual([9, 7, 7, null, "idle"]);
    expect(row.watermark).not.toBeNull();

    // The next run starts from the watermark and finds nothing missing.
    expect(await runReconciliation(deps(), SHOP)).toEqual({ read: 9, recovered: 0 });
    expect((await p.h.ctx.db.reconciliation.findUniqueOrThrow({ where: { shop: SHOP } })).recoveredTotal).toBe(7);
  });

  it("is due when never run, when asked for, and again after the interval; not while another process holds it", async () => {
    const now = new Date();
    expect(await dueReconciliations(p.h.ctx.db, now, 60)).toEqual([{ shop: SHOP }]);
    await runReconciliation(deps(), SHOP);
    expect(await dueReconciliations(p.h.ctx.db, new Date(), 60)).toEqual([]);
    expect(await dueReconciliations(p.h.ctx.db, new Date(Date.now() + 61 * 60_000), 60)).toEqual([{ shop: SHOP }]);
    // 0: on demand only.
    expect(await dueReconciliations(p.h.ctx.db, new Date(Date.now() + 61 * 60_000), 0)).toEqual([]);
    await requestReconciliation(p.h.ctx.db, SHOP);
    expect(await dueReconciliations(p.h.ctx.db, new Date(), 0)).toEqual([{ shop: SHOP }]);
    await p.h.ctx.db.reconciliation.update({ where: { shop: SHOP }, data: { leaseOwner: "other", leaseUntil: new Date(Date.now() + 60_000) } });
    expect(await dueReconciliations(p.h.ctx.db, new Date(), 0)).toEqual([]);
  });

  it("keeps the watermark and says why when Shopify cannot be read; the next run covers the same orders", async () => {
    p.admin.knobs.failNext = { count: 5, status: 503 };
    expect(await runReconciliation(deps(), SHOP)).toBeNull();
    const row = await p.h.ctx.db.reconciliation.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(row.watermark).toBeNull();
    expect(row.error).toMatch(/Shopify/);
  });
});
