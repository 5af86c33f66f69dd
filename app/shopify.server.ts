import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { PrismaClient } from "@prisma/client";
import type { AppEnv } from "./config.server";
import { installLocalAdminFetch } from "./shopify/local-admin.server";

export const API_VERSION = ApiVersion.October25;

/** The Shopify app object for this environment: auth, webhook verification, Admin API clients. */
export function createShopify(env: AppEnv, db: PrismaClient) {
  // Local mode: every shop's Admin API call goes to the stand-in. Installed after the
  // library's own import set the runtime fetch (see local-admin.server.ts).
  installLocalAdminFetch(env);
  return shopifyApp({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    apiVersion: API_VERSION,
    scopes: env.SCOPES.split(",").map((s) => s.trim()).filter(Boolean),
    appUrl: env.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage: new PrismaSessionStorage(db),
    distribution: AppDistribution.AppStore,
    // The library's info lines (its version at every start) are noise in our JSON logs.
    logger: { level: LogSeverity.Warning },
    // Webhook subscriptions are declared in shopify.app.toml, not registered at run time.
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: false },
  });
}

export type ShopifyApp = ReturnType<typeof createShopify>;
