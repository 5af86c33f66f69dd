import { spawn } from "node:child_process";
import { afterEach, beforeEach, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify";
import { TEST_SECRET, testEnv, type Harness } from "../support/harness";
import { postWebhook, signWebhook } from "../support/webhooks";
import type { TestfreaksSimulator } from "../simulators/testfreaks";
import { startWorker } from "~/sync/worker.server";
import { policy } from "~/sync/retry-policy";
import { SHOP, startPipeline, type Pipeline } from "./fixtures";

let p: Pipeline;
let h: Harness;
let tf: TestfreaksSimulator;

beforeEach(async () => {
  p = await startPipeline({ testfreaks: { knobs: { latencyMs: 4000 } } });
  ({ h, tf } = p);
});
afterEach(async () => p.close());

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it("given a worker process killed with SIGKILL in the middle of a job, another worker claims the job after its lease and syncs it", async () => {
  await postWebhook(h.url, signWebhook({ topic: "orders/updated", shop: SHOP, body: loadFixture("orders-updated.tracking-delivered-usd"), secret: TEST_SECRET }));

  const child = spawn(process.execPath, ["--import", "tsx", "test/support/worker-child.ts"], {
    env: { ...process.env, ...testEnv({ DATABASE_URL: h.store.url, ENCRYPTION_KEY: h.ctx.env.ENCRYPTION_KEY, TESTFREAKS_API_URL: tf.url, SHOPIFY_LOCAL_ADMIN_URL: p.admin.url }) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  try {
    // The child has sent the order to TestFreaks and waits for the (slow) answer.
    await until(() => tf.log.some((r) => r.method === "POST"), 20_000, "the child worker to call TestFreaks");
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
  } finally {
    child.kill("SIGKILL");
  }

  const held = await h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP } });
  expect(held.status).toBe("pending");
  expect(held.leaseOwner).toMatch(/^worker-/);
  expect(held.leaseUntil!.getTime()).toBeGreaterThan(Date.now());

  tf.knobs.latencyMs = 0;
  let now = new Date();
  const survivor = startWorker({ ...h.ctx.runner, now: () => now }, { loop: false });
  expect(await survivor.runDue()).toBe(0); // the lease still holds

  now = new Date(Date.now() + policy.leaseMs + 1000);
  expect(await survivor.runDue()).toBe(1);
  await survivor.stop();

  const done = await h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP } });
  expect([done.status, done.leaseOwner, done.remoteId]).toEqual(["synced", null, "#23301"]);
  // TestFreaks upserts by order id: the killed worker's request, if it landed, left one order, not two.
  expect(tf.state.orders).toHaveLength(1);
}, 60_000);
