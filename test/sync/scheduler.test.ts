// The worker on the table engine, on SQLite: leases renewed while a job works,
// a lost lease stops the job's partner calls, a webhook wakes an idle worker.
// The queue's own rules, for every engine, are in queue-contract.ts.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tableQueue } from "~/sync/queue.server";
import { runJob } from "~/sync/run-job.server";
import { startWorker } from "~/sync/worker.server";
import { loadFixture } from "../fixtures/shopify";
import { SHOP, startPipeline, type Pipeline } from "./fixtures";

let p: Pipeline;
beforeEach(async () => {
  p = await startPipeline();
});
afterEach(async () => p.close());

const db = () => p.h.ctx.db;

describe("leases", () => {
  it("a lease shorter than a slow partner's answer still gives exactly one partner request", async () => {
    p.tf.knobs.latencyMs = 1_500;
    const runner = { ...p.h.ctx.runner, queue: tableQueue(db(), 400) };
    const workers = [1, 2].map(() => startWorker(runner, { concurrency: 2, pollIntervalMs: 50, renewIntervalMs: 100 }));
    try {
      await p.send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
      const deadline = Date.now() + 15_000;
      while ((await db().syncJob.findFirstOrThrow({ where: { shop: SHOP } })).status !== "synced") {
        if (Date.now() > deadline) throw new Error("the job never synced");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Both workers kept looking for work for longer than the lease the whole time.
      await new Promise((resolve) => setTimeout(resolve, 600));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    expect(p.tf.log.filter((r) => r.method === "POST" && r.path.endsWith("/orders"))).toHaveLength(1);
  });

  it("a job whose lease was lost makes no partner call and writes nothing", async () => {
    await p.send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
    const [job] = await p.h.ctx.runner.queue.claim("w1", 1, new Date());
    const before = await db().syncJob.findUniqueOrThrow({ where: { id: job!.id } });

    const outcome = await runJob(p.h.ctx.runner, job!, { lost: true });

    expect(outcome).toBe("lease_lost");
    expect(p.tf.log).toHaveLength(0);
    expect(await db().syncJob.findUniqueOrThrow({ where: { id: job!.id } })).toEqual(before);
    expect(await db().syncAttempt.count()).toBe(0);
  });
});

describe("waking", () => {
  it("a webhook that queues a job wakes an idle worker of the process at once, without waiting for its next poll", async () => {
    const worker = startWorker(p.h.ctx.runner, { pollIntervalMs: 60 * 60_000 });
    try {
      // The worker has looked once and found nothing: it now sleeps until its next poll, an hour away.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await p.send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
      const deadline = Date.now() + 5_000;
      while ((await db().syncJob.findFirstOrThrow({ where: { shop: SHOP } })).status !== "synced") {
        if (Date.now() > deadline) throw new Error("the idle worker was not woken by the new job");
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await worker.stop();
    }
  });
});
