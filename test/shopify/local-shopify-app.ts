// The app's real Shopify stack for tests: shopify-app-remix's shopifyApp with an
// in-memory offline session, its Admin API calls routed to a local stand-in by
// installLocalAdminFetch, exactly as app/shopify.server.ts is meant to do it.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, Session, shopifyApp } from "@shopify/shopify-app-remix/server";
import { installLocalAdminFetch } from "~/shopify/local-admin.server";

type SessionStorage = NonNullable<Parameters<typeof shopifyApp>[0]["sessionStorage"]>;

export const LOCAL_SHOP = "partner-sync-demo.myshopify.com";

function memorySessionStorage(): SessionStorage {
  const sessions = new Map<string, Session>();
  return {
    async storeSession(session) {
      sessions.set(session.id, session);
      return true;
    },
    async loadSession(id) {
      return sessions.get(id);
    },
    async deleteSession(id) {
      return sessions.delete(id);
    },
    async deleteSessions(ids) {
      ids.forEach((id) => sessions.delete(id));
      return true;
    },
    async findSessionsByShop(shop) {
      return [...sessions.values()].filter((session) => session.shop === shop);
    },
  };
}

/**
 * The shop's `admin` from `unauthenticated.admin(shop)`, talking to the Admin API
 * stand-in at `localAdminUrl`. `accessToken: ""` records a session without one.
 */
export async function localUnauthenticatedAdmin(localAdminUrl: string, { shop = LOCAL_SHOP, accessToken = "shpat_local_offline_token" } = {}) {
  const sessionStorage = memorySessionStorage();
  const shopify = shopifyApp({
    apiKey: "local-api-key",
    apiSecretKey: "local-api-secret",
    appUrl: "https://partner-sync.example",
    scopes: ["read_orders", "read_products"],
    apiVersion: ApiVersion.January26,
    distribution: AppDistribution.AppStore,
    sessionStorage,
    logger: { level: LogSeverity.Error },
  });
  // After the shopify-app-remix import above, as in app/shopify.server.ts.
  installLocalAdminFetch({ SHOPIFY_LOCAL_ADMIN_URL: localAdminUrl });
  await sessionStorage.storeSession(new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_orders,read_products", accessToken }));
  const { admin } = await shopify.unauthenticated.admin(shop);
  return admin;
}
