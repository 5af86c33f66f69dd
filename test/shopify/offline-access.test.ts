// Expiring offline tokens end to end: the app, its worker, TestFreaks' simulator
// and the Admin API stand-in with Shopify's token endpoint, all real. The clock
// that decides when a token expires (the app's Session and the stand-in alike)
// is Date, moved by hand; timers stay real.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SHOPIFY_ACCESS_REFUSED_REASON, createOfflineAccess } from "~/shopify/offline-access.server";
import { silentLogger } from "~/logger";
import { startWorker, type Worker } from "~/sync/worker.server";
import { loadFixture } from "../fixtures/shopify";
import { mintSessionToken } from "../support/session-token";
import { TEST_SECRET, testEnv } from "../support/harness";
import { SHOP, startPipeline, type Pipeline } from "../sync/fixtures";

const HOUR = 3_600_000;
const ORDERS = ["orders-create.discount-code-cad", "orders-create.gbp-presentment", "orders-create.guest-discount-hkd", "orders-updated.eur-fulfilled", "orders-updated.tracking-delivered-usd"];

let p: Pipeline;
let worker: Worker;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  // From 2027-01-01 Shopify refuses non-expiring tokens: the stand-in does too.
  p = await startPipeline({ oauth: { rejectNonExpiringTokens: true } });
  worker = startWorker(p.h.ctx.runner, { loop: false });
});
afterEach(async () => {
  await worker.stop();
  await p.close();
  vi.useRealTimers();
});

const settle = async () => {
  while ((await worker.runDue()) > 0);
};
const grants = () => p.admin.oauth.grants.map((g) => `${g.grant}:${g.outcome}`);
const graphqlStatuses = () => p.admin.log.filter((r) => r.path.endsWith("/graphql.json")).map((r) => r.status);
const jobs = () => p.h.ctx.db.syncJob.findMany({ where: { shop: SHOP }, orderBy: { orderId: "asc" } });
const offlineSession = () => p.h.ctx.db.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } });

describe("the worker's Shopify access with expiring offline tokens", () => {
  it("exchanges a shop's non-expiring token for an expiring one once, before its first Admin call", async () => {
    const legacy = (await offlineSession()).accessToken;
    await p.send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));
    await settle();

    expect((await jobs()).map((j) => j.status)).toEqual(["synced"]);
    expect(grants()).toEqual(["migration:issued"]);
    const session = await offlineSession();
    expect(session.accessToken).not.toBe(legacy);
    expect(session.expires!.getTime() - Date.now()).toBe(HOUR);
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(p.admin.oauth.check(SHOP, legacy)).toBe("revoked");
    expect(graphqlStatuses().every((status) => status === 200)).toBe(true);
  });

  it("renews the token once when it expires in the middle of a backlog, and every order still syncs", async () => {
    for (const fixture of ORDERS.slice(0, 2)) await p.send("orders/create", loadFixture(fixture));
    await settle();
    expect(grants()).toEqual(["migration:issued"]);

    // An hour and a bit later, more orders arrive; the token has expired meanwhile.
    vi.setSystemTime(Date.now() + HOUR + 60_000);
    for (const fixture of ORDERS.slice(2)) await p.send("orders/create", loadFixture(fixture));
    await settle();

    expect(grants()).toEqual(["migration:issued", "refresh:issued"]);
    const statuses = (await jobs()).map((j) => j.status);
    expect(statuses).toHaveLength(ORDERS.length);
    expect(statuses.filter((s) => s !== "synced" && s !== "skipped")).toEqual([]);
    expect(graphqlStatuses().every((status) => status === 200)).toBe(true);
  });

  it("spends a refresh token once when several jobs, or two worker processes, renew at the same moment", async () => {
    await p.h.ctx.offlineAccess.ensure(SHOP);
    vi.setSystemTime(Date.now() + HOUR);
    // A second process: its own OfflineAccess on the same store.
    const other = createOfflineAccess({ api: p.h.ctx.shopify.api, storage: p.h.ctx.shopify.sessionStorage, db: p.h.ctx.db, logger: silentLogger });

    const sessions = await Promise.all([...Array.from({ length: 4 }, () => p.h.ctx.offlineAccess.ensure(SHOP)), other.ensure(SHOP)]);

    // One refresh per process at most; the one Shopify refused found the other's token in the store.
    expect(grants().filter((g) => g === "refresh:issued")).toHaveLength(1);
    const stored = await offlineSession();
    expect(new Set(sessions.map((s) => s.accessToken))).toEqual(new Set([stored.accessToken]));
    expect(p.admin.oauth.check(SHOP, stored.accessToken)).toBe("valid");
    expect((await p.h.ctx.db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).accessRefusedAt).toBeNull();
  });

  it("two worker processes migrating one shop's token at once: the one Shopify refuses takes the other's token when it is stored a moment later", async () => {
    const storage = p.h.ctx.shopify.sessionStorage;
    // The winner's store is slow: Shopify refuses the loser before the winner's token is in the store.
    let storedByWinner: () => void = () => {};
    const winnerStored = new Promise<void>((resolve) => (storedByWinner = resolve));
    const slowStorage = {
      loadSession: (id: string) => storage.loadSession(id),
      storeSession: async (session: Parameters<typeof storage.storeSession>[0]) => {
        await new Promise((resolve) => setTimeout(resolve, 800));
        const stored = await storage.storeSession(session);
        storedByWinner();
        return stored;
      },
    };
    const winner = createOfflineAccess({ api: p.h.ctx.shopify.api, storage: slowStorage, db: p.h.ctx.db, logger: silentLogger });
    const loser = createOfflineAccess({ api: p.h.ctx.shopify.api, storage, db: p.h.ctx.db, logger: silentLogger });

    const first = winner.ensure(SHOP);
    // The winner's exchange has been answered (its token is on the way to the store) before the loser asks.
    while (!grants().includes("migration:issued")) await new Promise((resolve) => setTimeout(resolve, 5));
    const [won, lost] = await Promise.all([first, loser.ensure(SHOP), winnerStored]);

    expect(grants()).toEqual(["migration:issued", "migration:refused"]);
    expect(lost.accessToken).toBe(won.accessToken);
    expect((await p.h.ctx.db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).accessRefusedAt).toBeNull();
  });

  it("when Shopify refuses the renewal, holds the jobs with a clear message; opening the app restores access and they sync", async () => {
    await p.h.ctx.offlineAccess.ensure(SHOP);
    vi.setSystemTime(Date.now() + 2 * HOUR);
    p.admin.oauth.settings.refuseRenewal = true;
    for (const fixture of ORDERS.slice(0, 3)) await p.send("orders/create", loadFixture(fixture));

    await settle();

    const held = await jobs();
    expect(held.map((j) => [j.status, j.lastError, j.attempts])).toEqual(held.map(() => ["paused", SHOPIFY_ACCESS_REFUSED_REASON, 0]));
    // Asked once; the other jobs waited without asking again.
    expect(grants()).toEqual(["migration:issued", "refresh:refused"]);
    expect((await p.h.ctx.db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).accessRefusedAt).not.toBeNull();
    expect(p.tf.log).toHaveLength(0);

    // The merchant opens the app: the admin's request carries a session token, the
    // library exchanges it for a new offline token, afterAuth releases the held jobs.
    const token = mintSessionToken({ shop: SHOP, apiKey: testEnv().SHOPIFY_API_KEY!, secret: TEST_SECRET });
    await p.h.ctx.shopify.authenticate.admin(new Request("http://127.0.0.1:3000/app", { headers: { Authorization: `Bearer ${token}` } }));
    expect(grants().at(-1)).toBe("token_exchange:issued");
    await settle();

    expect((await jobs()).map((j) => j.status).filter((s) => s !== "synced" && s !== "skipped")).toEqual([]);
    expect((await p.h.ctx.db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).accessRefusedAt).toBeNull();
  });

  it("a token Shopify revoked before it expired (401 at the lookup) holds the job for Shopify, and leaves the partner active", async () => {
    await p.h.ctx.offlineAccess.ensure(SHOP);
    p.admin.oauth.revokeShop(SHOP);
    await p.send("orders/updated", loadFixture("orders-updated.tracking-delivered-usd"));

    await settle();

    const [job] = await jobs();
    expect([job!.status, job!.lastError]).toEqual(["paused", SHOPIFY_ACCESS_REFUSED_REASON]);
    const partner = await p.h.ctx.db.partnerConfig.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } });
    expect(partner.pausedReason).toBeNull();
    expect(p.tf.log).toHaveLength(0);
  });
});
