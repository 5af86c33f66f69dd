// A job must end: one rate limited on every attempt (which spends no retry) fails
// after the policy's maximum total wait, with a clear message, even when the
// lane as a whole is not refused (app/sync/run-job.server.ts).
import { afterEach, beforeEach, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify";
import { fakeClock, type Harness } from "../support/harness";
import type { TestfreaksSimulator } from "../simulators/testfreaks";
import type { Worker } from "~/sync/worker.server";
import { policy } from "~/sync/retry-policy";
import { laneAccepted } from "~/sync/rate-limit.server";
import { LOOKUP_THROTTLED_TOO_LONG, rateLimitedTooLongMessage } from "~/sync/run-job.server";
import { SHOP, startClockedPipeline, type Pipeline } from "./fixtures";

const HOUR = 3_600_000;
const hours = policy.maxRateLimitedMs / HOUR;
const clock = fakeClock();
let p: Pipeline;
let h: Harness;
let tf: TestfreaksSimulator;
let worker: Worker;

beforeEach(async () => {
  ({ p, worker } = await startClockedPipeline(clock));
  ({ h, tf } = p);
});
afterEach(async () => {
  await worker.stop();
  await p.close();
});

const job = () => h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } });

it("fails a job whose product look-up Shopify throttles for longer than the policy's maximum, without spending attempts meanwhile", async () => {
  await h.ctx.offlineAccess.ensure(SHOP);
  p.admin.knobs.failNext = { count: 100_000, status: 429, headers: { "retry-after": "3600" } };
  await p.send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));

  for (let i = 0; i < hours; i++) {
    await worker.runDue();
    const waiting = await job();
    expect([waiting.status, waiting.attempts]).toEqual(["retrying", 0]);
    clock.advance(HOUR);
  }
  await worker.runDue();

  const ended = await job();
  expect([ended.status, ended.lastError]).toEqual(["failed", LOOKUP_THROTTLED_TOO_LONG]);
  expect(ended.lastError).toMatch(/Shopify kept rate limiting the product look-up of this order for more than 24 h/);
  expect(tf.log).toHaveLength(0);
});

it("fails a job the partner refuses every time for longer than the maximum, even while it accepts the lane's other orders", async () => {
  tf.knobs.failNext = { count: 100_000, status: 429, headers: { "retry-after": "3600" } };
  await p.send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));

  for (let i = 0; i < hours; i++) {
    await worker.runDue();
    expect((await job()).status).toBe("retrying");
    // Another order of the shop went through meanwhile: the lane is no longer refused as a whole.
    await laneAccepted(h.ctx.db, SHOP, "testfreaks");
    clock.advance(HOUR);
  }
  await worker.runDue();

  const ended = await job();
  expect([ended.status, ended.lastError]).toEqual(["failed", rateLimitedTooLongMessage("TestFreaks")]);
  expect(tf.log.filter((r) => r.method === "POST")).toHaveLength(hours + 1);
});

it("cuts a hold stored years ahead (before holds were bounded) to the longest hold, and then syncs", async () => {
  await p.send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
  await h.ctx.db.partnerConfig.updateMany({ where: { shop: SHOP, partner: "testfreaks" }, data: { holdUntil: new Date("9999-12-31T23:59:59Z") } });

  await worker.runDue();

  const longest = clock.now().getTime() + policy.maxRetryAfterMs;
  expect((await job()).nextRunAt.getTime()).toBe(longest);
  expect((await h.ctx.db.partnerConfig.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } })).holdUntil!.getTime()).toBe(longest);
  clock.advance(policy.maxRetryAfterMs);
  await worker.runDue();
  expect((await job()).status).toBe("synced");
});
