// The lane's sending rate: a token bucket per (shop, partner) shared by every
// worker, lowered by a 429; Retry-After honoured within the policy's bounds; a
// job the partner keeps refusing ends instead of waiting forever.
import { afterEach, describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify";
import { fakeClock, type Harness } from "../support/harness";
import type { TestfreaksSimulator } from "../simulators/testfreaks";
import { startWorker, type Worker } from "~/sync/worker.server";
import { testfreaksMeta } from "~/connectors/testfreaks/meta";
import { policy } from "~/sync/retry-policy";
import { rateLimitedTooLongMessage } from "~/sync/run-job.server";
import { SHOP, startClockedPipeline, startPipeline, type Pipeline } from "./fixtures";

const ORDER = "orders-updated.tracking-delivered-usd";
const orderBody = (i: number) =>
  loadFixture(ORDER)
    .replace(/"name": "#23301"/, `"name": "#L${i}"`)
    .replace(/"id": 2628173987889/, `"id": ${4000000000 + i}`)
    .replace(/Order\/2628173987889/, `Order/${4000000000 + i}`);

let p: Pipeline;
let h: Harness;
let tf: TestfreaksSimulator;
const workers: Worker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await p.close();
});

const posts = () => tf.log.filter((r) => r.method === "POST" && r.path.endsWith("/orders"));
const job = () => h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } });
const lane = () => h.ctx.db.syncLane.findUniqueOrThrow({ where: { shop_partner: { shop: SHOP, partner: "testfreaks" } } });
const hold = async () => (await h.ctx.db.partnerConfig.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } })).holdUntil;

describe("a lane's sustained rate", () => {
  it("never sends more than the configured rate (plus its burst) in any second while two workers drain 30 jobs", async () => {
    const RATE = 5;
    const BURST = 2;
    p = await startPipeline({ env: { TESTFREAKS_RATE_PER_SEC: String(RATE), TESTFREAKS_RATE_BURST: String(BURST) } });
    ({ h, tf } = p);
    for (let i = 0; i < 30; i++) expect((await p.send("orders/updated", orderBody(i))).status).toBe(200);
    const deadline = Date.now() + 10_000;
    while ((await h.ctx.db.syncJob.count({ where: { shop: SHOP, partner: "testfreaks" } })) < 30) {
      if (Date.now() > deadline) throw new Error("the 30 jobs were not queued");
      await new Promise((r) => setTimeout(r, 20));
    }

    workers.push(startWorker(h.ctx.runner, { concurrency: 4, pollIntervalMs: 20 }), startWorker(h.ctx.runner, { concurrency: 4, pollIntervalMs: 20 }));
    const until = Date.now() + 30_000;
    while ((await h.ctx.db.syncJob.count({ where: { status: { not: "synced" } } })) > 0) {
      if (Date.now() > until) throw new Error("jobs did not all sync within 30 s");
      await new Promise((r) => setTimeout(r, 50));
    }

    const sent = posts();
    expect(sent).toHaveLength(30);
    expect(sent.every((r) => r.status === 200)).toBe(true);
    // A token bucket lets at most burst + rate × T through in any span T.
    for (const r of sent) {
      expect(sent.filter((o) => o.at >= r.at && o.at < r.at + 1000).length).toBeLessThanOrEqual(BURST + RATE);
    }
  }, 45_000);
});

describe("a 429 and its Retry-After", () => {
  const clock = fakeClock();
  let worker: Worker;

  async function start() {
    ({ p, worker } = await startClockedPipeline(clock));
    ({ h, tf } = p);
    workers.push(worker);
    await p.send("orders/updated", loadFixture(ORDER));
  }

  it("with Retry-After: 3, holds the lane at least 3 s and halves its rate", async () => {
    await start();
    tf.knobs.failNext = { count: 1, status: 429, headers: { "retry-after": "3" } };
    await worker.runDue();

    const at = clock.now().getTime();
    expect((await hold())!.getTime() - at).toBeGreaterThanOrEqual(3000);
    expect((await lane()).loweredRate).toBe(testfreaksMeta.rate.perSec * policy.rateDropFactor);
    clock.advance(2999);
    expect(await worker.runDue()).toBe(0);
    expect(posts()).toHaveLength(1);

    clock.advance(1);
    await worker.runDue();
    expect((await job()).status).toBe("synced");
    expect(posts()).toHaveLength(2);
  });

  it.each([
    ["999999999", "999999999", policy.maxRetryAfterMs],
    ["a date in year 9999", "Fri, 31 Dec 9999 23:59:59 GMT", policy.maxRetryAfterMs],
    ["a 400-digit number", "9".repeat(400), policy.maxRetryAfterMs],
    ["Infinity", "Infinity", policy.defaultRateLimitMs],
    ["soon", "soon", policy.defaultRateLimitMs],
    ["-5", "-5", policy.defaultRateLimitMs],
  ])("with Retry-After: %s, holds no longer than the policy allows and does not throw", async (_label, value, expected) => {
    await start();
    tf.knobs.failNext = { count: 1, status: 429, headers: { "retry-after": value } };
    await worker.runDue();

    const state = await job();
    expect([state.status, state.attempts]).toEqual(["retrying", 0]);
    expect((await hold())!.getTime() - clock.now().getTime()).toBe(expected);
    expect(state.nextRunAt.getTime() - clock.now().getTime()).toBe(expected);
    expect(await h.ctx.db.syncAttempt.count({ where: { outcome: "rate_limited", httpStatus: 429 } })).toBe(1);
  });

  it("fails a job the partner keeps rate limiting past the policy's maximum, saying so", async () => {
    await start();
    tf.knobs.failNext = { count: 1000, status: 429, headers: { "retry-after": "3600" } };
    const hours = policy.maxRateLimitedMs / 3_600_000;
    for (let i = 0; i < hours; i++) {
      await worker.runDue();
      expect((await job()).status).toBe("retrying");
      clock.advance(3_600_000);
    }
    await worker.runDue();

    const ended = await job();
    expect(ended.status).toBe("failed");
    expect(ended.lastError).toBe(rateLimitedTooLongMessage("TestFreaks"));
    expect(ended.lastError).toMatch(/TestFreaks kept rate limiting this shop for more than 24 h/);
    expect(posts()).toHaveLength(hours + 1);
    // A later order gets its own try, and one the partner accepts clears the refusal.
    tf.knobs.failNext = null;
    clock.advance(3_600_000);
    await p.send("orders/updated", orderBody(1));
    await worker.runDue();
    expect(await h.ctx.db.syncJob.count({ where: { status: "synced" } })).toBe(1);
    expect((await lane()).limitedSince).toBeNull();
  });

  it("climbs back to the configured rate after quiet periods", async () => {
    await start();
    tf.knobs.failNext = { count: 2, status: 429, headers: { "retry-after": "1" } };
    await worker.runDue();
    clock.advance(1000);
    await worker.runDue();
    const configured = testfreaksMeta.rate.perSec;
    expect((await lane()).loweredRate).toBe(configured / 4);

    // Lowered, the lane refills at a quarter of the rate: a token is there after 2 s.
    clock.advance(2000);
    await worker.runDue();
    expect((await job()).status).toBe("synced");
    const { effectiveRate } = await import("~/sync/rate-limit.server");
    const row = await lane();
    expect(effectiveRate(configured, row, clock.now()).perSec).toBe(configured / 4);
    expect(effectiveRate(configured, row, new Date(row.loweredAt!.getTime() + policy.rateRecoveryQuietMs)).perSec).toBe(configured / 2);
    expect(effectiveRate(configured, row, new Date(row.loweredAt!.getTime() + 2 * policy.rateRecoveryQuietMs))).toEqual({ perSec: configured, lowered: false });
  });
});
