import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { createAppContext, type AppContext } from "~/context.server";
import { createDb } from "~/db.server";
import { silentLogger } from "~/logger";
import { handleWebhook } from "~/sync/webhook.server";
import { startWorker } from "~/sync/worker.server";
import { LANE_QUEUE, type PgBossQueue } from "~/sync/engines/pgboss-queue.server";
import { fixtureNames, loadFixture } from "../fixtures/shopify";
import { testEnv, TEST_SECRET } from "../support/harness";
import { runPrisma, startTestPostgres, type PrismaCliResult, type TestPostgres } from "../support/postgres";
import { signWebhook } from "../support/webhooks";
import { startTestfreaksSimulator, type TestfreaksSimulator } from "../simulators/testfreaks";
import { productsFromFixtures, startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { installShopWithPartners, SHOP } from "../sync/fixtures";

// One throwaway Postgres for this file: the app's database, migrated by
// `prisma migrate deploy` exactly as `npm run setup` does with a Postgres DATABASE_URL.
const ROOT = path.resolve(import.meta.dirname, "../..");
const PG_SCHEMA = path.join(ROOT, "prisma/postgres/schema.prisma");
const PG_MIGRATIONS = path.join(ROOT, "prisma/postgres/migrations");

let pg: TestPostgres;
let url: string;
let deploy: PrismaCliResult;
let ctx: AppContext;
let tf: TestfreaksSimulator;
let admin: ShopifyAdminStandIn;

beforeAll(async () => {
  pg = await startTestPostgres();
  url = await pg.createDatabase("app");
  deploy = await runPrisma(["migrate", "deploy"], url);
  if (deploy.status !== 0) throw new Error(`prisma migrate deploy failed on Postgres:\n${deploy.output}`);
  tf = await startTestfreaksSimulator();
  admin = await startShopifyAdminStandIn({ products: productsFromFixtures(fixtureNames.filter((n) => n.startsWith("orders-")).map(loadFixture)) });
  ctx = createAppContext(testEnv({ DATABASE_URL: url, TESTFREAKS_API_URL: tf.url, SHOPIFY_LOCAL_ADMIN_URL: admin.url }), { db: createDb(url), logger: silentLogger });
});

afterAll(async () => {
  await ctx?.runner.queue.close();
  await ctx?.db.$disconnect();
  await tf?.close();
  await admin?.close();
  await pg?.stop();
});

beforeEach(async () => {
  const tables = await ctx.db.$queryRaw<{ name: string }[]>`SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`;
  await ctx.db.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.name}"`).join(", ")}`);
});

const committedMigrations = () =>
  readdirSync(PG_MIGRATIONS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

function webhookRequest(topic: string, body: string, eventId?: string): Request {
  const signed = signWebhook({ topic, shop: SHOP, body, secret: TEST_SECRET, eventId });
  return new Request(`http://127.0.0.1/webhooks/${topic}`, { method: "POST", headers: signed.headers, body: signed.body });
}
const deliver = (request: Request) => handleWebhook(request, { db: ctx.db, shopify: ctx.shopify, logger: silentLogger, inbox: ctx.inbox, mergeBeforeAnswer: true });

describe("Postgres migrations", () => {
  it("prisma migrate deploy applies every committed Postgres migration and creates a table per model", async () => {
    expect(deploy.output).toMatch(/All migrations have been successfully applied/);
    const applied = await ctx.db.$queryRaw<{ migration_name: string; finished: boolean; rolled_back: boolean }[]>`
      SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations ORDER BY migration_name`;
    expect(applied).toEqual(committedMigrations().map((name) => ({ migration_name: name, finished: true, rolled_back: false })));

    const models = [...readFileSync(PG_SCHEMA, "utf8").matchAll(/^model (\w+) \{/gm)].map((m) => m[1]!);
    const tables = await ctx.db.$queryRaw<{ name: string }[]>`SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`;
    expect(tables.map((t) => t.name).sort()).toEqual([...models, "_prisma_migrations"].sort());
  });

  it("the committed Postgres migrations produce exactly prisma/postgres/schema.prisma (diffed through a shadow database)", async () => {
    const diff = await runPrisma(["migrate", "diff", "--from-migrations", PG_MIGRATIONS, "--to-schema-datamodel", PG_SCHEMA, "--exit-code"], pg.adminUrl);

    expect(diff.output).toMatch(/No difference detected/);
    expect(diff.status).toBe(0);
    // The shadow database lives only for the diff.
    const left = await ctx.db.$queryRaw<{ datname: string }[]>`SELECT datname::text FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`;
    expect(left).toEqual([]);
  });

  it("the same diff reports a datamodel change that no migration makes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "partner-sync-drift-"));
    try {
      const drifted = path.join(dir, "schema.prisma");
      writeFileSync(drifted, readFileSync(PG_SCHEMA, "utf8").replace(/(model SyncJob \{\n)/, "$1  driftCheck String?\n"));

      const diff = await runPrisma(["migrate", "diff", "--from-migrations", PG_MIGRATIONS, "--to-schema-datamodel", drifted, "--exit-code"], pg.adminUrl);

      expect(diff.status).toBe(2);
      expect(diff.output).toMatch(/Added column `driftCheck`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the sync pipeline on Postgres", () => {
  it("a signed order webhook becomes a job that the worker syncs to TestFreaks, on the engine the app picks for Postgres: pg-boss", async () => {
    await installShopWithPartners(ctx.db, ctx.keyring, { second: false });
    const queue = ctx.runner.queue as PgBossQueue;
    expect(queue.boss).toBeDefined();
    // An idle worker, polling once an hour: only the webhook's announce can wake it in time.
    const worker = startWorker(ctx.runner, { pollIntervalMs: 60 * 60_000 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));

      const answer = await deliver(webhookRequest("orders/updated", loadFixture("orders-updated.tracking-delivered-usd")));
      expect(answer.status).toBe(200);

      const deadline = Date.now() + 10_000;
      while ((await ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } })).status !== "synced") {
        if (Date.now() > deadline) throw new Error("the job never synced");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await worker.stop();
    }

    const job = await ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "testfreaks" } });
    expect([job.status, job.attempts, job.remoteId, job.leaseOwner]).toEqual(["synced", 1, "#23301", null]);
    const attempts = await ctx.db.syncAttempt.findMany({ where: { shop: SHOP } });
    expect(attempts.map((a) => [a.outcome, a.httpStatus])).toEqual([["synced", 200]]);
    // pg-boss ran the lane, and the settle let it go.
    const lanes = await queue.boss.findJobs<{ shop: string; partner: string }>(LANE_QUEUE, { data: { shop: SHOP, partner: "testfreaks" } });
    expect(lanes.map((l) => l.state)).toEqual(["completed"]);
    // What the partner stored came from the snapshot read back from Postgres.
    const stored = tf.state.orders.find((o) => o.id === "#23301");
    expect(stored?.items[0]?.delivery_date).toBe("2021-02-22");
  });

  it("given the same event delivered 5 times at once, keeps one event and one job per partner, answering 200 to all", async () => {
    await installShopWithPartners(ctx.db, ctx.keyring, { second: true });
    const body = loadFixture("orders-create.gbp-presentment");

    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(webhookRequest("orders/create", body, "evt-same"))));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await ctx.db.webhookEvent.count()).toBe(1);
    expect(await ctx.db.orderSnapshot.count()).toBe(1);
    expect((await ctx.db.syncJob.findMany({ orderBy: { partner: "asc" } })).map((j) => [j.partner, j.status])).toEqual([
      ["reverb", "pending"],
      ["testfreaks", "pending"],
    ]);
  });
});

describe("Shopify sessions on Postgres", () => {
  it("PrismaSessionStorage stores, finds, loads and deletes an online session", async () => {
    const storage = new PrismaSessionStorage(ctx.db);
    const session = new Session({ id: `${SHOP}_902541635`, shop: SHOP, state: "state-1", isOnline: true });
    session.scope = "read_orders,read_products";
    session.expires = new Date("2030-01-02T03:04:05.678Z");
    session.accessToken = "shpua_online_token";
    session.onlineAccessInfo = {
      expires_in: 86_399,
      associated_user_scope: "read_orders",
      associated_user: { id: 902541635, first_name: "Ada", last_name: "Lovelace", email: "ada@example.com", email_verified: true, account_owner: true, locale: "en", collaborator: false },
    };

    expect(await storage.storeSession(session)).toBe(true);
    const loaded = await storage.loadSession(session.id);

    expect(loaded).toBeDefined();
    expect([loaded!.shop, loaded!.isOnline, loaded!.scope, loaded!.accessToken, loaded!.expires?.toISOString()]).toEqual([
      SHOP,
      true,
      "read_orders,read_products",
      "shpua_online_token",
      "2030-01-02T03:04:05.678Z",
    ]);
    expect(loaded!.onlineAccessInfo?.associated_user).toMatchObject({ id: 902541635, first_name: "Ada", email: "ada@example.com", account_owner: true });
    expect((await storage.findSessionsByShop(SHOP)).map((s) => s.id)).toEqual([session.id]);

    await storage.deleteSession(session.id);
    expect(await storage.loadSession(session.id)).toBeUndefined();
  });
});
