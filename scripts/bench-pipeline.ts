// Measures the sync pipeline on this machine and prints its figures (no
// pass/fail): signed webhooks ingested per second through the real webhook
// handler over HTTP, then jobs synced per second by one worker against the
// local TestFreaks simulator, and the process's peak memory.
// Usage: npx tsx scripts/bench-pipeline.ts [orders=500] [concurrency=4]
import { performance } from "node:perf_hooks";
import { parse, stringify } from "lossless-json";
import { loadFixture } from "../test/fixtures/shopify";
import { SHOP, startPipeline } from "../test/sync/fixtures";
import { TEST_SECRET } from "../test/support/harness";
import { postWebhook, signWebhook } from "../test/support/webhooks";
import { startWorker } from "../app/sync/worker.server";
import { silentLogger } from "../app/logger";

const orders = Number(process.argv[2] ?? 500);
const concurrency = Number(process.argv[3] ?? 4);
const template = parse(loadFixture("orders-updated.tracking-delivered-usd")) as Record<string, unknown>;
let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const p = await startPipeline();
p.h.ctx.runner.logger = silentLogger;
try {
  // Distinct orders: the fixture with a new id and name each time.
  const bodies = Array.from({ length: orders }, (_, i) =>
    stringify({ ...template, id: 900000000 + i, admin_graphql_api_id: `gid://shopify/Order/${900000000 + i}`, name: `#B${i}` }) as string,
  );
  let start = performance.now();
  const inFlight = 8;
  for (let i = 0; i < bodies.length; i += inFlight) {
    const batch = bodies.slice(i, i + inFlight).map((body) => postWebhook(p.h.url, signWebhook({ topic: "orders/updated", shop: SHOP, body, secret: TEST_SECRET })));
    const answers = await Promise.all(batch);
    if (answers.some((a) => a.status !== 200)) throw new Error("a webhook was refused");
  }
  const ingestMs = performance.now() - start;

  start = performance.now();
  const worker = startWorker(p.h.ctx.runner, { concurrency, pollIntervalMs: 10 });
  while ((await p.h.ctx.db.syncJob.count({ where: { status: { not: "synced" } } })) > 0) await new Promise((r) => setTimeout(r, 20));
  const syncMs = performance.now() - start;
  await worker.stop();

  console.log(`orders:            ${orders}`);
  console.log(`ingest:            ${(orders / (ingestMs / 1000)).toFixed(0)} webhooks/s (${ingestMs.toFixed(0)} ms, 8 in flight, SQLite)`);
  console.log(`sync (TestFreaks): ${(orders / (syncMs / 1000)).toFixed(0)} jobs/s (${syncMs.toFixed(0)} ms, worker concurrency ${concurrency}, one shop: one job at a time per partner)`);
  console.log(`peak RSS:          ${(peakRss / 1024 / 1024).toFixed(0)} MiB (this process: app handler, worker, simulators)`);
} finally {
  clearInterval(sample);
  await p.close();
}
