import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFixture } from "../fixtures/shopify";
import { fakeClock, type Harness } from "../support/harness";
import type { TestfreaksSimulator } from "../simulators/testfreaks";
import { startWorker, type Worker } from "~/sync/worker.server";
import { backoffDelayMs, policy } from "~/sync/retry-policy";
import { setPartnerEnabled } from "~/sync/partner-config.server";
import { testfreaksConnector } from "~/connectors/testfreaks";
import { installShopWithPartners, SHOP, startClockedPipeline, withUpdatedAt, type Pipeline } from "./fixtures";

let p: Pipeline;
let h: Harness;
let tf: TestfreaksSimulator;
let worker: Worker;
const clock = fakeClock();

beforeEach(async () => {
  ({ p, worker } = await startClockedPipeline(clock));
  ({ h, tf } = p);
});
afterEach(async () => {
  await worker.stop();
  await p.close();
});

const send = (topic: string, body: string) => p.send(topic, body);
const job = () => h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } });
const attempts = async () => (await h.ctx.db.syncAttempt.findMany({ orderBy: { startedAt: "asc" } })).map((a) => [a.outcome, a.httpStatus]);
const ordersPosted = () => tf.log.filter((r) => r.method === "POST" && r.path.endsWith("/orders")).length;

describe("sync worker", () => {
  it("syncs a webhook's order to TestFreaks and records the partner's id and the attempt", async () => {
    await send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
    await worker.runDue();

    const synced = await job();
    expect(synced.status).toBe("synced");
    expect(synced.remoteId).toBe("#23301");
    expect(tf.state.orders).toHaveLength(1);
    expect(tf.state.orders[0]!.items[0]!.delivery_date).toBe("2021-02-22");
    // The product lookup reached the Admin API stand-in and its URL reached the partner.
    expect(tf.state.orders[0]!.items[0]!.url).toMatch(/^https:\/\/partner-sync-demo\.myshopify\.com\/products\//);
    expect(await attempts()).toEqual([["synced", 200]]);
  });

  it("given a partner answering 500 twice then 200, ends synced after 3 attempts on the policy's schedule", async () => {
    tf.knobs.failNext = { count: 2, status: 500 };
    await send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));

    await worker.runDue();
    let state = await job();
    expect([state.status, state.attempts]).toEqual(["retrying", 1]);
    expect(state.nextRunAt.getTime() - clock.now().getTime()).toBe(backoffDelayMs(1, () => 0.5));

    clock.advance(backoffDelayMs(1, () => 0.5) - 1);
    expect(await worker.runDue()).toBe(0);

    clock.advance(1);
    await worker.runDue();
    state = await job();
    expect([state.status, state.attempts]).toEqual(["retrying", 2]);
    expect(state.nextRunAt.getTime() - clock.now().getTime()).toBe(2 * policy.baseDelayMs);

    clock.advance(2 * policy.baseDelayMs);
    await worker.runDue();
    state = await job();
    expect([state.status, state.attempts, state.lastError]).toEqual(["synced", 3, null]);
    expect(await attempts()).toEqual([
      ["retry", 500],
      ["retry", 500],
      ["synced", 200],
    ]);
  });

  it("given a 429 with Retry-After: 7, waits at least 7 s without using up an attempt", async () => {
    tf.knobs.failNext = { count: 1, status: 429, headers: { "retry-after": "7" } };
    await send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));

    await worker.runDue();
    let state = await job();
    expect([state.status, state.attempts]).toEqual(["retrying", 0]);
    expect(state.nextRunAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(7000);

    clock.advance(6999);
    expect(await worker.runDue()).toBe(0);
    expect(ordersPosted()).toBe(1);

    clock.advance(1);
    await worker.runDue();
    state = await job();
    expect([state.status, state.attempts]).toEqual(["synced", 1]);
    expect(await attempts()).toEqual([
      ["rate_limited", 429],
      ["synced", 200],
    ]);
  });

  it("sends nothing when the newest snapshot maps to the request the partner already accepted", async () => {
    const raw = loadFixture("orders-updated.tracking-delivered-usd");
    await send("orders/updated", raw);
    await worker.runDue();
    // A later update that changes nothing TestFreaks sees (only the timestamp).
    await send("orders/updated", withUpdatedAt(raw, "2021-03-01T00:00:00-08:00"));
    expect((await job()).status).toBe("pending");

    await worker.runDue();

    expect((await job()).status).toBe("synced");
    expect(ordersPosted()).toBe(1);
    expect(await attempts()).toEqual([
      ["synced", 200],
      ["unchanged", null],
    ]);
  });

  it("re-sends a cancellation: the cancelled order's items go out as not reviewable", async () => {
    // The same order as it was before the cancellation (this fixture's ids are below 2^53).
    const before = JSON.parse(loadFixture("orders-cancelled.refunded-cad")) as Record<string, unknown>;
    Object.assign(before, { cancelled_at: null, cancel_reason: null, refunds: [], updated_at: "2024-01-14T00:00:00-05:00" });
    await send("orders/create", JSON.stringify(before));
    await worker.runDue();
    expect(tf.state.orders[0]!.items.every((i) => i.reviewable)).toBe(true);

    await send("orders/cancelled", loadFixture("orders-cancelled.refunded-cad"));
    await worker.runDue();

    expect((await job()).status).toBe("synced");
    expect(ordersPosted()).toBe(2);
    expect(tf.state.orders[0]!.items.every((i) => !i.reviewable)).toBe(true);
  });

  it("pauses the partner for the shop when it refuses the credentials, and resumes when they are saved again", async () => {
    await h.ctx.db.partnerConfig.deleteMany();
    await installShopWithPartners(h.ctx.db, h.ctx.keyring, { second: false, apiKey: "sk_wrong" });
    await send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));

    await worker.runDue();
    const paused = await job();
    expect(paused.status).toBe("paused");
    expect(paused.lastError).toMatch(/TestFreaks refused the credentials/);
    const config = await h.ctx.db.partnerConfig.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } });
    expect(config.pausedReason).toMatch(/TestFreaks refused the credentials/);

    await installShopWithPartners(h.ctx.db, h.ctx.keyring, { second: false });
    await worker.runDue();
    expect((await job()).status).toBe("synced");
  });

  it("holds the orders of a partner the merchant paused, and syncs them all on resume", async () => {
    await setPartnerEnabled(h.ctx.db, SHOP, testfreaksConnector, false);
    await send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
    await worker.runDue();
    expect([(await job()).status, (await job()).lastError]).toEqual(["paused", "Syncing to TestFreaks is paused in the app's settings"]);
    expect(ordersPosted()).toBe(0);

    await setPartnerEnabled(h.ctx.db, SHOP, testfreaksConnector, true);
    await worker.runDue();

    expect((await job()).status).toBe("synced");
    expect(ordersPosted()).toBe(1);
  });

  it("given Shopify throttling the product lookup, waits without spending an attempt or holding the partner", async () => {
    // The shop's token is current (migrated to an expiring one), so the 429 meets the lookup itself.
    await h.ctx.offlineAccess.ensure(SHOP);
    p.admin.knobs.failNext = { count: 1, status: 429, headers: { "retry-after": "3" } };
    await send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));

    await worker.runDue();

    const waiting = await job();
    expect([waiting.status, waiting.attempts]).toEqual(["retrying", 0]);
    expect(waiting.nextRunAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(3000);
    expect(waiting.lastError).toMatch(/^Shopify product lookup failed/);
    expect((await h.ctx.db.partnerConfig.findFirstOrThrow({ where: { partner: "testfreaks" } })).holdUntil).toBeNull();
    expect(ordersPosted()).toBe(0);

    clock.advance(3000);
    await worker.runDue();
    expect((await job()).status).toBe("synced");
  });

  it("keeps the last body shown when a later push sends nothing (an order the partner holds as final)", async () => {
    const raw = loadFixture("orders-updated.tracking-delivered-usd");
    await send("orders/updated", raw);
    await worker.runDue();
    const firstBody = (await job()).lastSentBody;
    expect(firstBody).toContain('"#23301"');

    const real = h.ctx.runner.connectors.testfreaks!;
    await send("orders/cancelled", withUpdatedAt(raw.replace('"cancelled_at": null', '"cancelled_at": "2021-03-01T00:00:00-08:00"'), "2021-03-01T00:00:00-08:00"));
    const pushSendingNothing = { ...real, push: async (_req: unknown, ctx: { remoteId: string | null }) => ({ remoteId: ctx.remoteId, httpStatus: 200, sent: null }) };
    await startWorker({ ...h.ctx.runner, connectors: { ...h.ctx.runner.connectors, testfreaks: pushSendingNothing } }, { loop: false }).runDue();

    const after = await job();
    expect([after.status, after.lastSentBody]).toEqual(["synced", firstBody]);
  });

  it("stops with the partner's own message on a permanent error", async () => {
    tf.knobs.failNext = { count: 1, status: 422, body: { errors: [{ message: "customer.email is not a valid email" }] } };
    await send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
    await worker.runDue();
    const failed = await job();
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toContain("customer.email is not a valid email");
    clock.advance(24 * 3600_000);
    expect(await worker.runDue()).toBe(0);
  });

  it("says why a job is skipped: a guest order without an email has no TestFreaks customer", async () => {
    await send("orders/create", loadFixture("orders-create.guest-discount-hkd"));
    await worker.runDue();
    const skipped = await job();
    expect(skipped.status).toBe("skipped");
    expect(skipped.lastError).toMatch(/email|customer/i);
    expect(ordersPosted()).toBe(0);
  });

  it("gives up after the policy's attempts and says so", async () => {
    tf.knobs.failureRate = 1;
    await send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
    for (let i = 0; i < policy.maxAttempts; i++) {
      await worker.runDue();
      clock.advance(policy.maxDelayMs * 2);
    }
    const failed = await job();
    expect([failed.status, failed.attempts]).toEqual(["failed", policy.maxAttempts]);
    expect(failed.lastError).toMatch(/gave up after 8 attempts/);
  });
});
