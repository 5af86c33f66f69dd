// The process the backfill bench measures (scripts/bench/backfill.ts): the app's
// context on a fresh SQLite store, a shop installed with TestFreaks set up, and
// one backfill run to the end of its reading, through the Shopify library and
// the local Admin API stand-in exactly as a worker runs it. Prints one JSON line.
import { createAppContext } from "../../app/context.server";
import { prepareDatabase } from "../../app/db.server";
import { silentLogger } from "../../app/logger";
import { installShopLocally } from "../../app/shopify/install.server";
import { runBackfill, startBackfill } from "../../app/sync/backfill.server";
import { shopGraphql } from "../../app/sync/backfill-runner.server";
import { createTestDb } from "../../test/support/db";
import { testEnv } from "../../test/support/harness";

const [adminUrl, since] = process.argv.slice(2);
if (!adminUrl || !since) throw new Error("usage: backfill-child.ts <admin stand-in url> <since ISO date>");
const SHOP = "bench-backfill.myshopify.com";

const store = await createTestDb();
// As every app process does at start (WAL on SQLite).
await prepareDatabase(store.db, store.url);
const ctx = createAppContext(testEnv({ DATABASE_URL: store.url, SHOPIFY_LOCAL_ADMIN_URL: adminUrl }), { db: store.db, logger: silentLogger });
await installShopLocally(store.db, SHOP);
// ensureJobs reads which partners are set up; no worker runs here, so no credentials are needed.
await store.db.partnerConfig.create({ data: { shop: SHOP, partner: "testfreaks", settings: "{}", secrets: "unused" } });

const started = await startBackfill(store.db, SHOP, { since: new Date(since), partner: "testfreaks" });
if (!started.ok) throw new Error(started.message);
const deps = {
  db: store.db,
  graphqlFor: shopGraphql(ctx),
  logger: silentLogger,
  owner: "bench",
  pollMs: 100,
  ...(process.env.BACKFILL_BATCH ? { batchSize: Number(process.env.BACKFILL_BATCH) } : {}),
};
const t0 = performance.now();
let readingAt: number | null = null;
/** CPU this process used while reading: on a shared machine the wall-clock rate also measures the neighbours. */
let cpuAtReading = process.cpuUsage();
/** The process before the file is read (the app's context, Prisma, the Shopify library): what the reading adds comes on top. */
let rssAtReadingMiB = process.memoryUsage().rss / 1024 / 1024;
for (;;) {
  await runBackfill(deps, started.id);
  // A worker's loop comes back every pollMs while Shopify builds the file.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const row = await store.db.backfill.findUniqueOrThrow({ where: { id: started.id } });
  if (row.status === "reading" && readingAt === null) {
    readingAt = performance.now();
    cpuAtReading = process.cpuUsage();
    rssAtReadingMiB = process.memoryUsage().rss / 1024 / 1024;
  }
  if (row.status !== "exporting" && row.status !== "reading") {
    const end = performance.now();
    readingAt ??= t0;
    const jobs = await store.db.syncJob.count({ where: { shop: SHOP, backfillId: started.id } });
    console.log(
      JSON.stringify({
        status: row.status,
        error: row.error,
        orders: row.ordersRead,
        queued: row.queued,
        jobs,
        exportS: (readingAt - t0) / 1000,
        readS: (end - readingAt) / 1000,
        readCpuS: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpuAtReading)),
        totalS: (end - t0) / 1000,
        rssAtReadingMiB,
        // Where the memory is at the end (MiB): the JS heap, and what is outside it.
        memory: Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1048576)])),
        // maxRSS is in kilobytes.
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
      }),
    );
    break;
  }
}
await store.close();
process.exit(0);
