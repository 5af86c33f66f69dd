import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { action, loader } from "~/routes/api.extension.orders.$orderId";
import { installShopLocally } from "~/shopify/install.server";
import { loadFixture } from "../fixtures/shopify";
import { startHarness, TEST_SECRET, type Harness } from "../support/harness";
import { postWebhook, signWebhook } from "../support/webhooks";
import { mintSessionToken } from "./session-token";
import { startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";

export const SHOP_A = "shop-a.myshopify.com";
export const SHOP_B = "shop-b.myshopify.com";
/** orders-create.discount-code-cad: "#1001", gid://shopify/Order/5492763623680. */
export const ORDER_A = "5492763623680";
/** The origin admin UI extensions run on: not the app's, so answers need CORS. */
export const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

export interface Given {
  h: Harness;
  /** The Admin API stand-in the resync re-reads orders from. */
  admin: ShopifyAdminStandIn;
  /** Shop B's own order, to show B's token works for B. */
  orderB: string;
  close(): Promise<void>;
}

/**
 * Two installed shops (offline sessions recorded, so authenticate.admin loads them
 * and never tries a token exchange), each with an order that came in by webhook.
 * Shop A's order: Reverb synced (partner id RV-1001), TestFreaks failed.
 */
export async function givenTwoShopsWithOrders(): Promise<Given> {
  // Resync re-reads the order from the Admin API: the stand-in knows what the webhooks carried.
  const admin = await startShopifyAdminStandIn();
  const h = await startHarness({ SHOPIFY_LOCAL_ADMIN_URL: admin.url });
  // The route reads the process's context (appContext()); this test's is the harness's.
  globalThis.__partnerSyncContext = h.ctx;
  const { db } = h.ctx;
  for (const shop of [SHOP_A, SHOP_B]) {
    await installShopLocally(db, shop);
    for (const partner of ["reverb", "testfreaks"]) {
      // Only "which partners are enabled" matters here: no worker runs in these tests.
      await db.partnerConfig.create({ data: { shop, partner, settings: "{}", secrets: "unused" } });
    }
  }
  const send = async (shop: string, fixture: string) => {
    admin.recordWebhook(loadFixture(fixture));
    const res = await postWebhook(h.url, signWebhook({ topic: "orders/create", shop, body: loadFixture(fixture), secret: TEST_SECRET }));
    if (res.status !== 200) throw new Error(`webhook for ${shop} answered ${res.status}`);
  };
  await send(SHOP_A, "orders-create.discount-code-cad");
  await send(SHOP_B, "orders-create.gbp-presentment");
  await db.syncJob.updateMany({ where: { shop: SHOP_A, orderId: ORDER_A, partner: "reverb" }, data: { status: "synced", attempts: 1, remoteId: "RV-1001" } });
  await db.syncJob.updateMany({
    where: { shop: SHOP_A, orderId: ORDER_A, partner: "testfreaks" },
    data: { status: "failed", attempts: 5, lastError: "TestFreaks refused the API key (401)" },
  });
  const orderB = (await db.orderSnapshot.findFirstOrThrow({ where: { shop: SHOP_B } })).orderId;
  return {
    h,
    admin,
    orderB,
    async close() {
      globalThis.__partnerSyncContext = undefined;
      await h.close();
      await admin.close();
    },
  };
}

/** What Remix does with a resource route: a thrown Response is the answer. */
async function settle(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** Calls the route as Remix would for `request` (GET/HEAD/OPTIONS to the loader, others to the action). */
export function callRoute(request: Request): Promise<Response> {
  const match = /^\/api\/extension\/orders\/([^/]*)$/.exec(new URL(request.url).pathname);
  if (!match) return Promise.resolve(new Response("no such route", { status: 404 }));
  const args = { request, params: { orderId: decodeURIComponent(match[1] ?? "") }, context: {} };
  return settle(() => (["GET", "HEAD", "OPTIONS"].includes(request.method) ? loader(args as LoaderFunctionArgs) : action(args as ActionFunctionArgs)));
}

/** A request from the extension for `shop`'s session: Authorization as Shopify adds it, the extension's origin. */
export function extensionRequest(path: string, options: { shop?: string; token?: string | null; method?: string } = {}): Request {
  const headers = new Headers({ Origin: EXTENSION_ORIGIN });
  const token = options.token === undefined ? mintSessionToken(options.shop ?? SHOP_A) : options.token;
  if (token !== null) headers.set("Authorization", `Bearer ${token}`);
  return new Request(new URL(path, "http://127.0.0.1:3000"), { method: options.method ?? "GET", headers });
}
