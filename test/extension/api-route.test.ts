import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrderSyncStatus, ResyncAnswer } from "../../extensions/order-sync-status/src/api";
import { callRoute, extensionRequest, givenTwoShopsWithOrders, ORDER_A, SHOP_A, SHOP_B, type Given } from "./given";
import { mintSessionToken } from "./session-token";

let given: Given;
beforeEach(async () => {
  given = await givenTwoShopsWithOrders();
});
afterEach(async () => given.close());

const path = (orderId: string) => `/api/extension/orders/${orderId}`;
const jobsOf = (shop: string, orderId: string) => given.h.ctx.db.syncJob.findMany({ where: { shop, orderId }, orderBy: { partner: "asc" } });

describe("GET /api/extension/orders/:orderId (the order page action's data)", () => {
  it("given shop A's session token, answers A's order with one row per partner, readable cross-origin", async () => {
    const res = await callRoute(extensionRequest(path(ORDER_A), { shop: SHOP_A }));

    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const body = (await res.json()) as OrderSyncStatus;
    expect(body.orderId).toBe(ORDER_A);
    expect(body.orderName).toBe("#1001");
    expect(body.partners.map(({ partner, partnerName, status, attempts, lastError, remoteId }) => ({ partner, partnerName, status, attempts, lastError, remoteId }))).toEqual([
      { partner: "reverb", partnerName: "Reverb", status: "synced", attempts: 1, lastError: null, remoteId: "RV-1001" },
      { partner: "testfreaks", partnerName: "TestFreaks", status: "failed", attempts: 5, lastError: "TestFreaks refused the API key (401)", remoteId: null },
    ]);
  });

  it("given shop B's session token, answers 404 for shop A's order, and B's own order with 200", async () => {
    const res = await callRoute(extensionRequest(path(ORDER_A), { shop: SHOP_B }));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/1001|RV-1001|refused/);

    // The same token is good: the 404 is about whose order it is, not a broken session.
    const own = await callRoute(extensionRequest(path(given.orderB), { shop: SHOP_B }));
    expect(own.status).toBe(200);
    expect(((await own.json()) as OrderSyncStatus).partners.map((p) => p.status)).toEqual(["pending", "pending"]);
  });

  it("answers 404 for an order the shop never sent and for an id that is not a Shopify order id", async () => {
    expect((await callRoute(extensionRequest(path("1234567890")))).status).toBe(404);
    expect((await callRoute(extensionRequest(path("gid%3A%2F%2Fshopify%2FOrder%2F1")))).status).toBe(404);
  });
});

describe("POST /api/extension/orders/:orderId (resync all partners)", () => {
  it("given shop A's token, queues A's order again for every enabled partner and answers the new rows", async () => {
    const before = await jobsOf(SHOP_A, ORDER_A);

    const res = await callRoute(extensionRequest(path(ORDER_A), { shop: SHOP_A, method: "POST" }));

    expect(res.status).toBe(200);
    const body = (await res.json()) as ResyncAnswer;
    expect(body.queued).toBe(2);
    expect(body.partners.map((p) => [p.partner, p.status])).toEqual([
      ["reverb", "pending"],
      ["testfreaks", "pending"],
    ]);
    const after = await jobsOf(SHOP_A, ORDER_A);
    expect(after.map((j) => [j.partner, j.status, j.attempts])).toEqual([
      ["reverb", "pending", 0],
      ["testfreaks", "pending", 0],
    ]);
    // A new generation: a worker still busy with the old one cannot mark these synced.
    expect(after.map((j) => j.generation)).toEqual(before.map((j) => j.generation + 1));
  });

  it("given shop B's token, answers 404 for A's order and leaves A's jobs as they were", async () => {
    const res = await callRoute(extensionRequest(path(ORDER_A), { shop: SHOP_B, method: "POST" }));

    expect(res.status).toBe(404);
    expect((await jobsOf(SHOP_A, ORDER_A)).map((j) => j.status)).toEqual(["synced", "failed"]);
  });

  it("given Shopify cannot be asked for the order, queues nothing and says why (a stale copy is never re-sent)", async () => {
    given.admin.knobs.failNext = { count: 1, status: 503 };
    const res = await callRoute(extensionRequest(path(ORDER_A), { shop: SHOP_A, method: "POST" }));

    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/#1001 was not resynced/);
    expect((await jobsOf(SHOP_A, ORDER_A)).map((j) => j.status)).toEqual(["synced", "failed"]);
  });
});

describe("authentication", () => {
  it("answers 401 in JSON, not a redirect to the login page, when the request carries no session token", async () => {
    const res = await callRoute(extensionRequest(path(ORDER_A), { token: null }));

    expect(res.status).toBe(401);
    expect(res.headers.get("Location")).toBeNull();
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(((await res.json()) as { error: string }).error).toMatch(/session token/);
  });

  it.each([
    ["signed with another secret", mintSessionToken(SHOP_A, { secret: "not-the-app-secret" })],
    ["addressed to another app", mintSessionToken(SHOP_A, { apiKey: "another-app" })],
    ["expired", mintSessionToken(SHOP_A, { now: new Date(Date.now() - 60 * 60_000) })],
    ["not a JWT", "not-a-token"],
  ])("answers 401 to a token %s, and changes nothing on POST", async (_what, token) => {
    const get = await callRoute(extensionRequest(path(ORDER_A), { token }));
    const post = await callRoute(extensionRequest(path(ORDER_A), { token, method: "POST" }));

    expect([get.status, post.status]).toEqual([401, 401]);
    // shopify-app-remix's answer: the extension may retry once with a fresh token.
    expect(get.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
    expect(get.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect((await jobsOf(SHOP_A, ORDER_A)).map((j) => j.status)).toEqual(["synced", "failed"]);
  });

  it("answers the CORS preflight (no token) with 204 allowing the Authorization header", async () => {
    const res = await callRoute(extensionRequest(path(ORDER_A), { token: null, method: "OPTIONS" }));

    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
  });
});
