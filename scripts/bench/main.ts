// npm run bench (first part): the sync pipeline's figures on this machine, SQLite
// and Postgres side by side, each next to its target or reference. Figures are
// printed, never asserted: they depend on the machine and on what else runs on it.
//
//   1. ingest: the built app (WORKER=off) under 64 connections vs a bare HMAC server
//   2. latency: webhook -> partner, one order every 200 ms (WORKER=on)
//   3. jobs/s of a worker process: one lane, then 50 lanes
//   4. fairness: another shop's orders behind a 20,000-job backlog (web + worker processes, then one process)
//   5. peak RSS of the web and worker processes
import { loadavg } from "node:os";
import { PostgresUnavailableError } from "../../test/support/postgres";
import { CONNECTIONS, DURATION_S, loadWebhooks, type LoadFigures } from "./ingest";
import { ORDER_EVERY_MS, ORDERS, timeOrders, warmUp, type LatencyFigures } from "./latency";
import { measureJobs, type JobsFigures } from "./jobs";
import { BACKLOG, measureFairness, type FairnessFigures } from "./fairness";
import { buildApp, keyring, machine, ORDER_BODY, ORDER_FIXTURE, startApp, startBareServer, startStandIns, waitFor } from "./runner";
import { installShop, openStore, storedDeliveries, type BenchStore, type Flavour } from "./store";
import { fmt, renderTable, type Row } from "./table";

const SHOP = "bench.myshopify.com";
const ONE_LANE_JOBS = 250;
const MANY_LANES = 50;
const JOBS_PER_LANE = 10;

interface IngestFigures extends LoadFigures {
  stored: number;
  webRssMiB: number;
}

interface StoreFigures {
  ingest: IngestFigures;
  latency: LatencyFigures & { rssMiB: number };
  oneLane: JobsFigures;
  manyLanes: JobsFigures;
  fairness: FairnessFigures;
  fairnessOneProcess: FairnessFigures;
}

const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
const started = Date.now();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

async function ingest(store: BenchStore): Promise<IngestFigures> {
  await store.empty();
  await installShop(store.db, keyring, SHOP);
  const app = await startApp("server", store.url, null, { WORKER: "off" });
  try {
    const load = await loadWebhooks(app.url, SHOP);
    // An ingest may store after it answers (a queue, a batch): give it a moment to catch up.
    let stored = 0;
    await waitFor(async () => (stored = await storedDeliveries(store.db, SHOP, load.answered)) >= load.answered.length, 10_000, 250);
    return { ...load, stored, webRssMiB: app.peakRssMiB() };
  } finally {
    await app.stop();
  }
}

async function latency(store: BenchStore): Promise<LatencyFigures & { rssMiB: number }> {
  await store.empty();
  await installShop(store.db, keyring, SHOP);
  const stand = await startStandIns();
  const app = await startApp("server", store.url, stand, { WORKER: "on" });
  try {
    await warmUp(app.url, SHOP, stand, "#L-warm");
    return { ...(await timeOrders(app.url, SHOP, stand, "#L-")), rssMiB: app.peakRssMiB() };
  } finally {
    await app.stop();
    await stand.close();
  }
}

async function measureStore(flavour: Flavour, bare: LoadFigures): Promise<StoreFigures | string> {
  let store: BenchStore;
  try {
    store = await openStore(flavour);
  } catch (error) {
    if (error instanceof PostgresUnavailableError) return error.message;
    throw error;
  }
  try {
    const i = await ingest(store);
    log(
      `${flavour} ingest: ${fmt(i.requestsPerSec)} req/s (${fmt((100 * i.requestsPerSec) / bare.requestsPerSec, 1)} % of bare), p50 ${fmt(i.p50)} ms, p99 ${fmt(i.p99)} ms, ${i.late} over 2 s, ${i.non2xx} non-2xx, ${i.errors} errors; ${i.stored} of ${i.answered.length} answered deliveries stored`,
    );
    const l = await latency(store);
    log(`${flavour} latency: p50 ${fmt(l.p50)} ms, p99 ${fmt(l.p99)} ms (${l.delivered}/${l.sent} delivered)`);
    const oneLane = await measureJobs(store, 1, ONE_LANE_JOBS, 12_000);
    log(`${flavour} jobs, 1 lane: ${fmt(oneLane.jobsPerSec, 1)} jobs/s (${oneLane.synced}/${oneLane.queued})`);
    const manyLanes = await measureJobs(store, MANY_LANES, JOBS_PER_LANE, 12_000);
    log(`${flavour} jobs, ${MANY_LANES} lanes: ${fmt(manyLanes.jobsPerSec, 1)} jobs/s (${manyLanes.synced}/${manyLanes.queued})`);
    const fairness = await measureFairness(store, "separate");
    log(
      `${flavour} fairness, web + worker process: p50 ${fmt(fairness.p50)} ms, p99 ${fmt(fairness.p99)} ms (${fairness.delivered}/${fairness.sent} delivered, ${fairness.backlogSynced} backlog jobs meanwhile)`,
    );
    const fairnessOneProcess = await measureFairness(store, "one process");
    log(
      `${flavour} fairness, one process: p50 ${fmt(fairnessOneProcess.p50)} ms, p99 ${fmt(fairnessOneProcess.p99)} ms (${fairnessOneProcess.delivered}/${fairnessOneProcess.sent} delivered, ${fairnessOneProcess.backlogSynced} backlog jobs meanwhile)`,
    );
    return { ingest: i, latency: l, oneLane, manyLanes, fairness, fairnessOneProcess };
  } finally {
    await store.close();
  }
}

function table(bare: LoadFigures, results: Record<Flavour, StoreFigures | string>): string {
  const flavours: Flavour[] = ["SQLite", "Postgres"];
  const each = (f: (s: StoreFigures) => string): string[] => flavours.map((fl) => (typeof results[fl] === "string" ? "n/a" : f(results[fl] as StoreFigures)));
  const rows: Row[] = [
    [`Ingest: bare node:http HMAC server, req/s`, fmt(bare.requestsPerSec), fmt(bare.requestsPerSec), `the floor (p50 ${fmt(bare.p50)} ms, p99 ${fmt(bare.p99)} ms)`],
    [`Ingest: app, req/s`, ...each((s) => fmt(s.ingest.requestsPerSec)), ""],
    [`Ingest: app / bare`, ...each((s) => fmt((100 * s.ingest.requestsPerSec) / bare.requestsPerSec, 1, " %")), ">= 10 %"],
    [`Ingest: p50`, ...each((s) => fmt(s.ingest.p50, 0, " ms")), ""],
    [`Ingest: p99`, ...each((s) => fmt(s.ingest.p99, 0, " ms")), "< 100 ms"],
    [`Ingest: answers later than 2 s`, ...each((s) => fmt(s.ingest.late)), "0"],
    [`Ingest: non-2xx answers / no answer`, ...each((s) => `${s.ingest.non2xx} / ${s.ingest.errors}`), "0 / 0"],
    [`Ingest: answered 2xx deliveries stored`, ...each((s) => `${s.ingest.stored} of ${s.ingest.answered.length}`), "all"],
    [`Latency webhook -> partner: p50`, ...each((s) => fmt(s.latency.p50, 0, " ms")), "< 150 ms"],
    [`Latency webhook -> partner: p99`, ...each((s) => fmt(s.latency.p99, 0, " ms")), "< 500 ms"],
    [`Latency: orders delivered`, ...each((s) => `${s.latency.delivered} of ${s.latency.sent}`), "all"],
    [`Jobs/s, 1 lane (1 shop, TestFreaks)`, ...each((s) => fmt(s.oneLane.jobsPerSec, 1)), "figure only (a lane runs one job at a time)"],
    [`Jobs/s, ${MANY_LANES} lanes (${MANY_LANES} shops)`, ...each((s) => fmt(s.manyLanes.jobsPerSec, 1)), "figure only (WORKER_CONCURRENCY 4)"],
    [`Fairness, web + worker process: other shop's order -> partner, p50`, ...each((s) => fmt(s.fairness.p50, 0, " ms")), ""],
    [`Fairness, web + worker process: p99`, ...each((s) => fmt(s.fairness.p99, 0, " ms")), "< 2 s"],
    [`Fairness, web + worker process: orders delivered / backlog jobs meanwhile`, ...each((s) => `${s.fairness.delivered} of ${s.fairness.sent} / ${s.fairness.backlogSynced}`), "all / -"],
    [`Fairness, one process (WORKER=on): p50`, ...each((s) => fmt(s.fairnessOneProcess.p50, 0, " ms")), ""],
    [`Fairness, one process (WORKER=on): p99`, ...each((s) => fmt(s.fairnessOneProcess.p99, 0, " ms")), "< 2 s"],
    [
      `Fairness, one process: orders delivered / backlog jobs meanwhile`,
      ...each((s) => `${s.fairnessOneProcess.delivered} of ${s.fairnessOneProcess.sent} / ${s.fairnessOneProcess.backlogSynced}`),
      "all / -",
    ],
    [`Peak RSS: web process (WORKER=off, ingest load)`, ...each((s) => fmt(s.ingest.webRssMiB, 0, " MiB")), "figure only"],
    [`Peak RSS: web + worker (WORKER=on, latency run)`, ...each((s) => fmt(s.latency.rssMiB, 0, " MiB")), "figure only"],
    [`Peak RSS: worker process (max of jobs, fairness)`, ...each((s) => fmt(Math.max(s.oneLane.workerRssMiB, s.manyLanes.workerRssMiB, s.fairness.workerRssMiB), 0, " MiB")), "figure only"],
  ];
  return renderTable(["Figure", ...flavours, "Target / reference"], rows);
}

async function main() {
  console.log(`Machine: ${machine()}; load average ${load()}`);
  console.log(
    `Body: test/fixtures/shopify/${ORDER_FIXTURE}.json (${Buffer.byteLength(ORDER_BODY).toLocaleString("en")} bytes); ingest ${CONNECTIONS} connections, ${DURATION_S} s after a 2 s warm-up, a fresh X-Shopify-Event-Id per request; latency and fairness ${ORDERS} orders, one every ${ORDER_EVERY_MS} ms; fairness backlog ${BACKLOG.toLocaleString("en")} jobs`,
  );
  const build = buildApp();
  try {
    await measure(build.what);
  } finally {
    build.cleanup();
  }
}

async function measure(what: string) {
  const bareServer = await startBareServer();
  let bare: LoadFigures;
  try {
    bare = await loadWebhooks(bareServer.url, SHOP);
  } finally {
    await bareServer.stop();
  }
  log(`bare HMAC server: ${fmt(bare.requestsPerSec)} req/s, p50 ${fmt(bare.p50)} ms, p99 ${fmt(bare.p99)} ms`);
  const results = { SQLite: await measureStore("SQLite", bare), Postgres: await measureStore("Postgres", bare) } as Record<Flavour, StoreFigures | string>;
  console.log("");
  console.log(table(bare, results));
  for (const [flavour, result] of Object.entries(results)) if (typeof result === "string") console.log(`${flavour} not measured: ${result}`);
  console.log(`\nApp: ${what}`);
  console.log(`Machine: ${machine()}; load average at the end ${load()}; run took ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
