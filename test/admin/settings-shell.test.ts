// The admin shell's server pieces that are not a page: the landing URL, the
// local App Bridge stand-in's gate, and requireShop's scoping.
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "~/context.server";
import { silentLogger } from "~/logger";
import { requireShop } from "~/admin/session.server";
import { installShopLocally } from "~/shopify/install.server";
import { loader as landing } from "~/routes/_index";
import { loader as appBridgeScript } from "~/routes/local-app-bridge[.]js";
import { createTestDb, type TestDb } from "../support/db";
import { testEnv, TEST_SECRET } from "../support/harness";
import { mintSessionToken } from "../support/session-token";

let store: TestDb;
const contexts: Record<"local" | "production", AppContext> = {} as never;

beforeAll(async () => {
  store = await createTestDb();
  for (const [name, flag] of [
    ["local", "1"],
    ["production", undefined],
  ] as const) {
    const ctx = createAppContext(testEnv({ DATABASE_URL: store.url, SHOPIFY_LOCAL_APP_BRIDGE: flag }), { db: store.db, logger: silentLogger });
    contexts[name] = ctx;
  }
  await installShopLocally(store.db, "alpha.myshopify.com");
});
afterAll(() => store?.close());
afterEach(() => {
  globalThis.__partnerSyncContext = undefined;
});

describe("the landing URL", () => {
  it("sends Shopify's links (with ?shop=) on into the embedded admin, keeping their parameters", () => {
    const request = new Request("http://127.0.0.1:3000/?shop=alpha.myshopify.com&host=abc&embedded=1");
    let response: Response | undefined;
    try {
      landing({ request, params: {}, context: {} });
    } catch (thrown) {
      response = thrown as Response;
    }
    expect(response?.status).toBe(302);
    expect(response?.headers.get("location")).toBe("/app?shop=alpha.myshopify.com&host=abc&embedded=1");
  });

  it("renders its own short page without ?shop=", () => {
    expect(landing({ request: new Request("http://127.0.0.1:3000/"), params: {}, context: {} })).toBeNull();
  });
});

describe("the local App Bridge stand-in", () => {
  it("is served in local mode only", async () => {
    globalThis.__partnerSyncContext = contexts.local;
    const local = appBridgeScript();
    expect(local.status).toBe(200);
    expect(local.headers.get("content-type")).toMatch(/javascript/);
    expect(await local.text()).toContain("window.shopify = {");

    globalThis.__partnerSyncContext = contexts.production;
    expect(appBridgeScript().status).toBe(404);
  });
});

describe("requireShop", () => {
  it("answers the shop of the session token's dest, with its offline session", async () => {
    const token = mintSessionToken({ shop: "alpha.myshopify.com", apiKey: "test-api-key", secret: TEST_SECRET });
    const request = new Request("http://127.0.0.1:3000/app/log?shop=bravo.myshopify.com", { headers: { Authorization: `Bearer ${token}` } });
    const { shop, session } = await requireShop(request, contexts.production);
    expect(shop).toBe("alpha.myshopify.com");
    expect(session).toMatchObject({ id: "offline_alpha.myshopify.com", shop: "alpha.myshopify.com", isOnline: false });
  });

  it("throws the library's 401 for a token signed with another secret", async () => {
    const token = mintSessionToken({ shop: "alpha.myshopify.com", apiKey: "test-api-key", secret: "not-the-app-secret" });
    const request = new Request("http://127.0.0.1:3000/app/log", { headers: { Authorization: `Bearer ${token}` } });
    await expect(requireShop(request, contexts.production)).rejects.toMatchObject({ status: 401 });
  });

  it("throws a 401 for an expired token", async () => {
    const token = mintSessionToken({ shop: "alpha.myshopify.com", apiKey: "test-api-key", secret: TEST_SECRET, issuedAt: Math.floor(Date.now() / 1000) - 3600, ttlSeconds: 60 });
    const request = new Request("http://127.0.0.1:3000/app/log", { headers: { Authorization: `Bearer ${token}` } });
    await expect(requireShop(request, contexts.production)).rejects.toMatchObject({ status: 401 });
  });
});
