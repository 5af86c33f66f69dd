import type { PrismaClient } from "@prisma/client";
import { readEnv, type AppEnv } from "./config.server";
import { createDb } from "./db.server";
import { createLogger, type Logger } from "./logger";
import { createKeyring, type Keyring } from "./security/secrets.server";
import { createShopify, type ShopifyApp } from "./shopify.server";
import { connectors } from "./connectors/registry";
import { tableQueue, type SyncQueue } from "./sync/queue.server";
import { pgBossQueue } from "./sync/engines/pgboss-queue.server";
import { databaseFlavour } from "./db.url";
import type { RunnerDeps } from "./sync/run-job.server";
import { shopifyProductLookup } from "./shopify/products.server";
import { createOfflineAccess, type OfflineAccess } from "./shopify/offline-access.server";
import { createInbox, type Inbox } from "./sync/inbox.server";
import { readShopContact } from "./sync/alerts.server";
import { graphqlFromAdmin } from "./shopify/admin-graphql.server";

/** Everything the app's routes, worker and CLI share, built once per process from the environment. */
export interface AppContext {
  env: AppEnv;
  db: PrismaClient;
  keyring: Keyring;
  shopify: ShopifyApp;
  logger: Logger;
  runner: RunnerDeps;
  /** Each shop's offline token, renewed before the worker's Admin API calls. */
  offlineAccess: OfflineAccess;
  /** The webhook inbox: group-committed appends, merged into orders right after. */
  inbox: Inbox;
}

/**
 * What a test or tool gives in place of the defaults, at creation: the context is
 * never changed afterwards, so every part of it (inbox, engine, product lookups,
 * offline tokens) sees the same logger, clock and network.
 */
export interface ContextOverrides {
  /** A database client already open (tests' stores); by default one for DATABASE_URL. */
  db?: PrismaClient;
  logger?: Logger;
  now?: () => Date;
  /** The network partner calls go through. */
  fetch?: typeof globalThis.fetch;
  /** Retry jitter's source. */
  random?: () => number;
  connectors?: RunnerDeps["connectors"];
  /** SQLite: a gap this long between two writes of this process, so others get the lock (the separate worker: app/db.sqlite-locking.ts). */
  sqliteTurnsMs?: number;
}

export function createAppContext(source: Record<string, string | undefined> = process.env, overrides: ContextOverrides = {}): AppContext {
  const env = readEnv(source);
  const logger = overrides.logger ?? createLogger();
  const database = overrides.db ?? createDb(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE, sqliteImmediate: true, sqliteTurnsMs: overrides.sqliteTurnsMs });
  const keyring = createKeyring(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_PREVIOUS);
  const shopify = createShopify(env, database);
  const now = overrides.now ?? (() => new Date());
  const offlineAccess = createOfflineAccess({ api: shopify.api, storage: shopify.sessionStorage, db: database, logger });
  const runner: RunnerDeps = {
    db: database,
    queue: syncEngine(env.DATABASE_URL, database, logger),
    keyring,
    connectors: overrides.connectors ?? connectors,
    env: source,
    fetch: overrides.fetch ?? globalThis.fetch,
    now,
    random: overrides.random ?? Math.random,
    logger,
    products: (shop) => shopifyProductLookup(shopify, offlineAccess, database, shop, logger, now),
    // Alert emails go to the shop's contact address, read with its offline token.
    shopContact: async (shop) => {
      await offlineAccess.ensure(shop);
      const { admin } = await shopify.unauthenticated.admin(shop);
      return readShopContact(graphqlFromAdmin(admin, { now }));
    },
  };
  // A merge that queued jobs wakes this process's idle worker at once.
  const inbox = createInbox(database, logger, { queued: () => runner.queue.announce() });
  return { env, db: database, keyring, shopify, logger, runner, offlineAccess, inbox };
}

/**
 * On Postgres several app instances may share the database: pg-boss runs the
 * jobs across them. SQLite is one host's file: the table engine is enough.
 */
function syncEngine(url: string, db: PrismaClient, logger: Pick<Logger, "error" | "warn">): SyncQueue {
  return databaseFlavour(url) === "postgres" ? pgBossQueue(db, { url, logger }) : tableQueue(db);
}

declare global {
  var __partnerSyncContext: AppContext | undefined;
}

/** The process's context (routes call this; the server creates it at start so config errors stop it early). `overrides` apply when it is first created. */
export function appContext(overrides: ContextOverrides = {}): AppContext {
  globalThis.__partnerSyncContext ??= createAppContext(process.env, overrides);
  return globalThis.__partnerSyncContext;
}
