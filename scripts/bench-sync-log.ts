// npx tsx scripts/bench-sync-log.ts [jobs]
//
// How the admin's sync log and dashboard queries behave on a big shop: seeds
// 100,000 sync jobs (one shop, a row per order and partner, a second shop
// alongside) and as many attempts into a fresh SQLite store, then prints the
// time of the first page, a deep page (keyset, and OFFSET for comparison),
// filtered and searched pages, the dashboard counts, and SQLite's query plan
// for the log query. Figures are printed, never asserted: they depend on the
// machine.
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import { dailyActivity, statusCounts } from "../app/admin/dashboard.server";
import { decodeCursor, encodeCursor, querySyncLog, type SyncLogQuery } from "../app/admin/sync-log.server";
import { createTestDb } from "../test/support/db";

const JOBS = Number(process.argv[2] ?? 100_000);
const SHOP = "bench.myshopify.com";
const OTHER = "bench-other.myshopify.com";
const PARTNERS = ["reverb", "reversio", "testfreaks"];
const NOW = Date.now();
const DAY = 86_400_000;
const CHUNK = 500;
const RUNS = 7;

/** Mostly synced, a few of everything else: the shape of a healthy shop. */
function statusFor(n: number): string {
  const r = n % 100;
  if (r < 82) return "synced";
  if (r < 88) return "skipped";
  if (r < 92) return "failed";
  if (r < 96) return "pending";
  if (r < 98) return "retrying";
  return "paused";
}

async function main() {
  const store = await createTestDb();
  const { db } = store;
  try {
    const orders = Math.ceil(JOBS / PARTNERS.length);
    console.log(`Seeding ${orders.toLocaleString("en")} orders, ${JOBS.toLocaleString("en")} jobs and as many attempts (shop ${SHOP}), plus 1,000 jobs of another shop, into ${store.url}`);
    const seedStart = performance.now();
    for (let start = 0; start < orders; start += CHUNK) {
      const n = Math.min(CHUNK, orders - start);
      const snapshots = Array.from({ length: n }, (_, i) => {
        const k = start + i;
        return { shop: SHOP, orderId: String(5_000_000_000_000 + k), orderName: `#${1000 + k}`, payload: "{}", shopifyUpdatedAt: new Date(NOW - (k % 60) * DAY) };
      });
      await db.orderSnapshot.createMany({ data: snapshots });
      const jobs = snapshots
        .flatMap((snapshot, i) =>
          PARTNERS.map((partner, p) => {
            const k = (start + i) * PARTNERS.length + p;
            // Spread over 60 days, many rows sharing a second (the id breaks ties).
            const updatedAt = new Date(NOW - Math.floor(((start + i) / orders) * 60 * DAY) - (k % 7) * 1000);
            // Ids of cuid length; their order is unrelated to time, as with real ids.
            return { id: `c${randomUUID().replace(/-/g, "").slice(0, 24)}`, shop: SHOP, orderId: snapshot.orderId, partner, status: statusFor(k), attempts: 1, updatedAt, createdAt: updatedAt };
          }),
        )
        .slice(0, Math.max(0, JOBS - start * PARTNERS.length));
      await db.syncJob.createMany({ data: jobs });
      await db.syncAttempt.createMany({
        data: jobs.map((job) => ({ shop: SHOP, jobId: job.id, startedAt: job.updatedAt, durationMs: 100, httpStatus: 200, outcome: job.status === "failed" ? "failed" : "synced" })),
      });
    }
    const others = Array.from({ length: 1000 }, (_, k) => ({ shop: OTHER, orderId: String(k), partner: PARTNERS[k % 3]!, status: "synced", updatedAt: new Date(NOW - k * 1000) }));
    await db.syncJob.createMany({ data: others });
    await db.$queryRawUnsafe("ANALYZE");
    console.log(`Seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);

    const time = async (label: string, run: () => Promise<unknown>) => {
      await run(); // warm the page cache and the client
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        const started = performance.now();
        await run();
        samples.push(performance.now() - started);
      }
      samples.sort((a, b) => a - b);
      console.log(`${label.padEnd(62)} median ${samples[Math.floor(RUNS / 2)]!.toFixed(1).padStart(7)} ms   max ${samples[RUNS - 1]!.toFixed(1).padStart(7)} ms`);
    };

    // The cursor a merchant holds after paging ~1,000 pages of 50 (half-way through).
    const deepRow = await db.syncJob.findFirstOrThrow({ where: { shop: SHOP }, orderBy: [{ updatedAt: "desc" }, { id: "desc" }], skip: Math.floor(JOBS / 2), select: { id: true, updatedAt: true } });
    const deep = decodeCursor(encodeCursor(deepRow))!;
    const deepFailed = await db.syncJob.findFirstOrThrow({
      where: { shop: SHOP, status: "failed" },
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      skip: Math.floor(JOBS * 0.04 * 0.9),
      select: { id: true, updatedAt: true },
    });
    const page = (query: SyncLogQuery) => () => querySyncLog(db, SHOP, query);

    console.log("Sync log (50 rows a page)");
    await time("first page", page({}));
    await time(`deep page (keyset, after row ${Math.floor(JOBS / 2).toLocaleString("en")})`, page({ after: deep }));
    await time(`deep page (OFFSET ${Math.floor(JOBS / 2).toLocaleString("en")}, for comparison only)`, () =>
      db.syncJob.findMany({ where: { shop: SHOP }, orderBy: [{ updatedAt: "desc" }, { id: "desc" }], skip: Math.floor(JOBS / 2), take: 51 }),
    );
    await time("previous page from the deep one (keyset, before)", page({ before: deep }));
    await time("status = failed, first page", page({ status: "failed" }));
    await time("status = failed, deep page", page({ status: "failed", after: decodeCursor(encodeCursor(deepFailed))! }));
    await time("partner = testfreaks, status = retrying, first page", page({ partner: "testfreaks", status: "retrying" }));
    await time("partner = testfreaks, status = synced, first page", page({ partner: "testfreaks", status: "synced" }));
    await time("partner = testfreaks, first page", page({ partner: "testfreaks" }));
    await time("date range (7 days, 30 to 23 days ago), first page", page({ from: new Date(NOW - 30 * DAY), to: new Date(NOW - 23 * DAY) }));
    await time("search exact name (#12345)", page({ search: "#12345" }));
    await time('search part of a name ("1234", many matches)', page({ search: "1234" }));

    console.log("\nDashboard");
    await time("counts by partner and status, last 24 h", () => statusCounts(db, SHOP, new Date(NOW - DAY)));
    await time("counts by partner and status, last 30 d", () => statusCounts(db, SHOP, new Date(NOW - 30 * DAY)));
    await time("synced vs failed per day, 14 days (attempt log)", () => dailyActivity(db, SHOP, new Date(NOW)));

    console.log("\nSQLite's plan for the log query (keyset page as written, no filter):");
    const plan = async (sql: string, ...params: unknown[]) => {
      const rows = (await db.$queryRawUnsafe(`EXPLAIN QUERY PLAN ${sql}`, ...params)) as { detail: string }[];
      for (const row of rows) console.log(`  ${row.detail}`);
    };
    const keyset = `SELECT id FROM SyncJob WHERE shop = ? AND updatedAt <= ? AND (updatedAt < ? OR id < ?) ORDER BY updatedAt DESC, id DESC LIMIT 51`;
    await plan(keyset, SHOP, 0, 0, "x");
    console.log("the plain OR form, for comparison (no range on updatedAt):");
    await plan(`SELECT id FROM SyncJob WHERE shop = ? AND (updatedAt < ? OR (updatedAt = ? AND id < ?)) ORDER BY updatedAt DESC, id DESC LIMIT 51`, SHOP, 0, 0, "x");
    console.log("with status = failed:");
    await plan(keyset.replace("WHERE shop = ?", "WHERE shop = ? AND status = ?"), SHOP, "failed", 0, 0, "x");
    console.log("with partner only:");
    await plan(keyset.replace("WHERE shop = ?", "WHERE shop = ? AND partner = ?"), SHOP, "testfreaks", 0, 0, "x");
    console.log("with partner and status:");
    await plan(keyset.replace("WHERE shop = ?", "WHERE shop = ? AND partner = ? AND status = ?"), SHOP, "testfreaks", "retrying", 0, 0, "x");
    console.log("search by order name:");
    await plan(`SELECT orderId FROM OrderSnapshot WHERE shop = ? AND orderName LIKE ? ORDER BY shopifyUpdatedAt DESC LIMIT 201`, SHOP, "%1234%");
  } finally {
    await store.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
