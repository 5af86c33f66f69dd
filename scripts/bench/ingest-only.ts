// The ingest figure alone, for working on the webhook path: the bare HMAC server
// and the built app (WORKER=off) on SQLite, or Postgres with BENCH_STORE=Postgres.
//   npx tsx scripts/bench/ingest-only.ts            (BENCH_TREE=working measures uncommitted code)
//   APP_NODE_OPTIONS=--cpu-prof npx tsx ...          (a CPU profile of the web process, in its cwd)
import { readFileSync } from "node:fs";
import { loadWebhooks } from "./ingest";
import { buildApp, keyring, startApp, startBareServer, waitFor } from "./runner";
import { installShop, openStore, storedDeliveries, unmergedDeliveries, type Flavour } from "./store";
import { fmt } from "./table";

const SHOP = "bench.myshopify.com";

/** CPU time (user + system) a process has used so far, ms: a per-request cost that other load on the machine does not inflate as much as wall time. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

async function main() {
  const build = buildApp();
  const store = await openStore((process.env.BENCH_STORE as Flavour | undefined) ?? "SQLite");
  try {
    const bareServer = await startBareServer();
    const bareCpu = cpuMs(bareServer.pid);
    const bare = await loadWebhooks(bareServer.url, SHOP);
    const bareUs = (1000 * (cpuMs(bareServer.pid) - bareCpu)) / (bare.answered.length || 1);
    await bareServer.stop();
    console.log(`bare: ${fmt(bare.requestsPerSec)} req/s, p50 ${fmt(bare.p50)} ms, p99 ${fmt(bare.p99)} ms; ${fmt(bareUs)} µs CPU per request`);
    await store.empty();
    await installShop(store.db, keyring, SHOP);
    const nodeOptions = process.env.APP_NODE_OPTIONS;
    const app = await startApp("server", store.url, null, { WORKER: "off", ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) });
    try {
      const cpuBefore = cpuMs(app.pid);
      const load = await loadWebhooks(app.url, SHOP);
      const started = Date.now();
      let stored = 0;
      await waitFor(async () => (stored = await storedDeliveries(store.db, SHOP, load.answered)) >= load.answered.length, 30_000, 250);
      // The CPU figure counts the merges too: read once every delivery is merged into its order.
      await waitFor(async () => (await unmergedDeliveries(store.db, SHOP)) === 0, 60_000, 50);
      const mergedAfterMs = Date.now() - started;
      const appUs = (1000 * (cpuMs(app.pid) - cpuBefore)) / (load.answered.length || 1);
      console.log(`app: ${fmt(appUs)} µs CPU per request (merges included: all merged ${fmt(mergedAfterMs)} ms after the load), ${fmt((100 * bareUs) / appUs, 1)} % of bare's cost`);
      console.log(
        `app:  ${fmt(load.requestsPerSec)} req/s (${fmt((100 * load.requestsPerSec) / bare.requestsPerSec, 1)} % of bare), p50 ${fmt(load.p50)} ms, p99 ${fmt(load.p99)} ms, ${load.late} over 2 s, ${load.non2xx} non-2xx, ${load.errors} errors; ${stored} of ${load.answered.length} stored (${Date.now() - started} ms after the load); peak RSS ${fmt(app.peakRssMiB())} MiB`,
      );
    } finally {
      await app.stop();
    }
  } finally {
    await store.close();
    build.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
