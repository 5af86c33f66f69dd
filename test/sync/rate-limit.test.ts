import { afterEach, beforeEach, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify";
import { TEST_SECRET, type Harness } from "../support/harness";
import { postWebhook, signWebhook } from "../support/webhooks";
import type { TestfreaksSimulator } from "../simulators/testfreaks";
import { startWorker } from "~/sync/worker.server";
import { SHOP, startPipeline, type Pipeline } from "./fixtures";

const LIMIT = 2;
const WINDOW_MS = 1000;
let p: Pipeline;
let h: Harness;
let tf: TestfreaksSimulator;

beforeEach(async () => {
  // Our own sending rate set far above the partner's: this test pins what the worker does once the
  // partner says "too many" (test/sync/rate-limit-lane.test.ts pins the rate we keep by ourselves).
  p = await startPipeline({ testfreaks: { knobs: { rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, retryAfterSec: 1 } } }, env: { TESTFREAKS_RATE_PER_SEC: "50", TESTFREAKS_RATE_BURST: "50" } });
  ({ h, tf } = p);
});
afterEach(async () => p.close());

it("given a partner limiting to 2 requests a second, never sends more than that after being told, and syncs every order", async () => {
  const orders = [
    "orders-create.discount-code-cad",
    "orders-create.gbp-presentment",
    "orders-updated.eur-fulfilled",
    "orders-updated.tracking-delivered-usd",
    "orders-cancelled.sample",
    "orders-cancelled.refunded-cad",
  ];
  for (const fixture of orders) {
    await postWebhook(h.url, signWebhook({ topic: "orders/updated", shop: SHOP, body: loadFixture(fixture), secret: TEST_SECRET }));
  }

  const worker = startWorker(h.ctx.runner, { concurrency: 4, pollIntervalMs: 20 });
  const deadline = Date.now() + 20_000;
  while ((await h.ctx.db.syncJob.count({ where: { status: { not: "synced" } } })) > 0) {
    if (Date.now() > deadline) throw new Error("jobs did not all sync within 20 s");
    await new Promise((r) => setTimeout(r, 50));
  }
  await worker.stop();

  const requests = tf.log.filter((r) => r.method === "POST");
  const accepted = requests.filter((r) => r.status === 200);
  expect(accepted).toHaveLength(orders.length);
  // After each 429 the partner is left alone for its Retry-After (1 s).
  for (const [i, r] of requests.entries()) {
    const next = requests[i + 1];
    if (r.status === 429 && next) expect(next.at - r.at).toBeGreaterThanOrEqual(1000);
  }
  // In each of the partner's windows (as the simulator counts them: a window opens with
  // the first request WINDOW_MS or more after the last one opened): at most the limit,
  // plus the one request that learned of it. A sliding second may hold two windows' worth
  // (the end of one, the start of the next), which the partner's own rule allows.
  const perWindow: number[] = [];
  let windowStart = Number.NEGATIVE_INFINITY;
  for (const r of requests) {
    if (r.at - windowStart >= WINDOW_MS) {
      windowStart = r.at;
      perWindow.push(0);
    }
    perWindow[perWindow.length - 1]! += 1;
  }
  expect(Math.max(...perWindow)).toBeLessThanOrEqual(LIMIT + 1);
  const rateLimited = await h.ctx.db.syncAttempt.count({ where: { outcome: "rate_limited" } });
  expect(rateLimited).toBe(requests.filter((r) => r.status === 429).length);
}, 30_000);
