// The benchmark's stores: a fresh SQLite file and a throwaway Postgres, both
// migrated by `prisma migrate deploy` as `npm run setup` does, emptied between
// measurements; and the few rows the benchmark writes or counts itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { createDb } from "~/db.server";
import { parseJsonLossless } from "~/orders/json";
import { extractOrderSnapshot } from "~/orders/read-webhook";
import { testfreaksConnector } from "~/connectors/testfreaks";
import type { Keyring } from "~/security/secrets.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { installShopLocally } from "~/shopify/install.server";
import { TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID } from "../../test/simulators/testfreaks";
import { runPrisma, startTestPostgres } from "../../test/support/postgres";

export type Flavour = "SQLite" | "Postgres";

export interface BenchStore {
  flavour: Flavour;
  url: string;
  db: PrismaClient;
  /** Deletes every row (the migrations' bookkeeping stays). */
  empty(): Promise<void>;
  close(): Promise<void>;
}

export async function openStore(flavour: Flavour): Promise<BenchStore> {
  let url: string;
  let stopServer = async () => {};
  const dir = mkdtempSync(path.join(tmpdir(), "partner-sync-bench-"));
  if (flavour === "SQLite") {
    url = `file:${path.join(dir, "bench.sqlite")}`;
  } else {
    const pg = await startTestPostgres();
    stopServer = () => pg.stop();
    url = await pg.createDatabase("bench");
  }
  const deployed = await runPrisma(["migrate", "deploy"], url);
  if (deployed.status !== 0) throw new Error(`prisma migrate deploy failed on ${flavour}:\n${deployed.output}`);
  const db = createDb(url);
  const tables = async () =>
    flavour === "SQLite"
      ? (await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`)).map((t) => t.name)
      : (await db.$queryRawUnsafe<{ name: string }[]>(`SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`)).map(
          (t) => t.name,
        );
  return {
    flavour,
    url,
    db,
    async empty() {
      const names = await tables();
      if (flavour === "Postgres") await db.$executeRawUnsafe(`TRUNCATE ${names.map((n) => `"${n}"`).join(", ")}`);
      else for (const name of names) await db.$executeRawUnsafe(`DELETE FROM "${name}"`);
    },
    async close() {
      await db.$disconnect();
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A shop as `shop:install` and `partner:configure <shop> testfreaks` leave it, with the TestFreaks simulator's key. */
export async function installShop(db: PrismaClient, keyring: Keyring, shop: string): Promise<void> {
  await installShopLocally(db, shop);
  const saved = await savePartnerConfig(db, keyring, shop, testfreaksConnector, { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
  if (!saved.ok) throw new Error(JSON.stringify(saved.fieldErrors));
}

/**
 * How many of these deliveries the store holds. The one place that knows where
 * the app records a delivery (today one WebhookEvent row per shop and event id,
 * unique): should ingest record them elsewhere, only this changes.
 */
export async function storedDeliveries(db: PrismaClient, shop: string, eventIds: string[]): Promise<number> {
  let stored = 0;
  for (let i = 0; i < eventIds.length; i += 500) {
    stored += await db.webhookEvent.count({ where: { shop, eventId: { in: eventIds.slice(i, i + 500) } } });
  }
  return stored;
}

/** Deliveries of the shop the inbox holds but has not merged into their order yet (waiting for an order that never came excepted). */
export async function unmergedDeliveries(db: PrismaClient, shop: string): Promise<number> {
  return db.webhookEvent.count({ where: { shop, processedAt: null, outcome: null } });
}

/**
 * `count` orders of `shop`, each with a TestFreaks job due now, written straight
 * into the store (the backlog a webhook storm would leave, without waiting for
 * one): copies of `orderBody` named `${prefix}${k}`, whose name is the order id
 * TestFreaks sees.
 */
export async function insertDueJobs(db: PrismaClient, shop: string, orderBody: string, count: number, prefix: string): Promise<void> {
  const extracted = extractOrderSnapshot(parseJsonLossless(orderBody));
  if (!extracted.ok) throw new Error(extracted.error);
  const { snapshot } = extracted;
  const due = new Date(Date.now() - 60_000);
  for (let start = 0; start < count; start += 1000) {
    const ks = Array.from({ length: Math.min(1000, count - start) }, (_, i) => start + i);
    const orders = ks.map((k) => ({ orderId: String(7_000_000_000_000 + k), orderName: `${prefix}${k}` }));
    await db.orderSnapshot.createMany({
      data: orders.map((o) => ({
        shop,
        ...o,
        payload: JSON.stringify({ ...snapshot, ...o }),
        shopifyUpdatedAt: new Date(snapshot.updatedAt),
        customerId: snapshot.customerId,
        email: snapshot.email,
      })),
    });
    await db.syncJob.createMany({ data: orders.map((o) => ({ shop, orderId: o.orderId, partner: "testfreaks", status: "pending", nextRunAt: due })) });
  }
}
