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

export function createAppContext(source: Record<string, string | undefined> = process.env, db?: PrismaClient): AppContext {
  const env = readEnv(source);
  const logger = createLogger();
  const database = db ?? createDb(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE });
  const keyring = createKeyring(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_PREVIOUS);
  const shopify = createShopify(env, database);
  const now = () => new Date();
  const runner: RunnerDeps = {
    db: database,
    // The engine logs through the runner's logger, read at call time like products below.
    queue: syncEngine(env.DATABASE_URL, database, { error: (m, f) => runner.logger.error(m, f), warn: (m, f) => runner.logger.warn(m, f) }),
    keyring,
    connectors,
    env: source,
    fetch: globalThis.fetch,
    now,
    random: Math.random,
    logger,
    // Read at call time: tests and tools swap the runner's logger and clock after creation.
    products: (shop) => shopifyProductLookup(shopify, offlineAccess, database, shop, runner.logger, runner.now),
    // Alert emails go to the shop's contact address, read with its offline token.
    shopContact: async (shop) => {
      await offlineAccess.ensure(shop);
      const { admin } = await shopify.unauthenticated.admin(shop);
      return readShopContact(graphqlFromAdmin(admin, { now: runner.now }));
    },
  };
  const offlineAccess = createOfflineAccess({
    api: shopify.api,
    storage: shopify.sessionStorage,
    db: database,
    get logger() {
      return runner.logger;
    },
  });
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

/** The process's context (routes call this; the server creates it at start so config errors stop it early). */
export function appContext(): AppContext {
  globalThis.__partnerSyncContext ??= createAppContext();
  return globalThis.__partnerSyncContext;
}
