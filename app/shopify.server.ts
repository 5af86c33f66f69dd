import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { shopifyApi } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { PrismaClient } from "@prisma/client";
import type { AppEnv } from "./config.server";
import { installLocalAdminFetch } from "./shopify/local-admin.server";
import { markInstalled } from "./sync/compliance.server";

/** The newest Admin API version @shopify/shopify-api 15 knows; shopify.app.toml's webhooks use the same. */
export const API_VERSION = ApiVersion.October26;

/** The Shopify app object for this environment: auth, webhook verification, Admin API clients. */
export function createShopify(env: AppEnv, db: PrismaClient) {
  // Local mode: every shop's Admin API call goes to the stand-in. Installed after the
  // library's own import set the runtime fetch (see local-admin.server.ts).
  installLocalAdminFetch(env);
  const scopes = env.SCOPES.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const sessionStorage = new PrismaSessionStorage(db);
  const app = shopifyApp({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    apiVersion: API_VERSION,
    scopes,
    appUrl: env.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage,
    distribution: AppDistribution.AppStore,
    // The library's info lines (its version at every start) are noise in our JSON logs.
    logger: { level: LogSeverity.Warning },
    // Webhook subscriptions are declared in shopify.app.toml, not registered at run time.
    // Expiring offline tokens: from 2027-01-01 Shopify refuses Admin API calls of public
    // apps made with non-expiring ones; the worker renews them (shopify/offline-access.server.ts).
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    hooks: {
      // Every token exchange (a first install, a reinstall, a renewed access) means the
      // shop has the app: what an uninstall or a refused token held runs again.
      afterAuth: async ({ session }) => {
        await markInstalled(db, session.shop);
      },
    },
  });
  // The same app seen through @shopify/shopify-api: webhook signatures checked without
  // loading (or renewing) the shop's session on the webhook path, and token renewal
  // whose errors say whether Shopify refused it or could not be reached.
  const appUrl = new URL(env.SHOPIFY_APP_URL);
  const api = shopifyApi({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    apiVersion: API_VERSION,
    scopes,
    hostName: appUrl.host,
    hostScheme: appUrl.protocol === "http:" ? "http" : "https",
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Warning },
  });
  return Object.assign(app, { api, sessionStorage });
}

export type ShopifyApp = ReturnType<typeof createShopify>;
