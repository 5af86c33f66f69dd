import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { markInstalled } from "~/sync/compliance.server";
import { DEFAULT_SCOPES } from "~/config.server";

/**
 * Records an offline session for a shop, as Shopify's OAuth / token exchange
 * would, and marks the shop installed. Local use: how a shop exists on a machine
 * with no Shopify (the CLI's shop:install, the demo, tests).
 */
export async function installShopLocally(db: PrismaClient, shop: string, options: { accessToken?: string; scopes?: string } = {}): Promise<Session> {
  const session = new Session({ id: `offline_${shop}`, shop, state: "local-install", isOnline: false });
  // A fresh token per install, as Shopify issues: a non-expiring one, which the
  // worker exchanges for an expiring one on first use (offline-access.server.ts).
  session.accessToken = options.accessToken ?? `local-offline-${randomUUID()}`;
  session.scope = options.scopes ?? DEFAULT_SCOPES;
  await new PrismaSessionStorage(db).storeSession(session);
  await markInstalled(db, shop);
  return session;
}
