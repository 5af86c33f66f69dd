// Fairness: one shop has 20,000 due jobs in its TestFreaks lane (written
// straight into the store) when another shop's orders start arriving, one
// every 200 ms: how long until each of those reaches the partner. Two layouts:
// "separate", the web process ingests (WORKER=off) and a worker process syncs
// (how Postgres deployments scale out); "one process", the web process runs the
// worker too (WORKER=on, the default, and the layout the README advises on
// SQLite: its one write lock is then shared in order within one process, where
// two processes contend for it through SQLite's busy polling).
import { insertDueJobs, installShop, type BenchStore } from "./store";
import { keyring, ORDER_BODY, partnerArrivals, startApp, startStandIns } from "./runner";
import { timeOrders, warmUp, type LatencyFigures } from "./latency";

export const BACKLOG = 20_000;
const BUSY = "bench-backlog.myshopify.com";
const OTHER = "bench-other.myshopify.com";

export interface FairnessFigures extends LatencyFigures {
  /** Backlog jobs synced while the other shop's orders were measured. */
  backlogSynced: number;
  workerRssMiB: number;
}

export type Layout = "separate" | "one process";

export async function measureFairness(store: BenchStore, layout: Layout): Promise<FairnessFigures> {
  await store.empty();
  await installShop(store.db, keyring, BUSY);
  await installShop(store.db, keyring, OTHER);
  await insertDueJobs(store.db, BUSY, ORDER_BODY, BACKLOG, "#B-");
  const stand = await startStandIns();
  const web = await startApp("server", store.url, stand, { WORKER: layout === "separate" ? "off" : "on" });
  const worker = layout === "separate" ? await startApp("worker", store.url, stand) : web;
  try {
    await warmUp(web.url, OTHER, stand, "#O-warm");
    const backlogBefore = backlogArrivals(stand);
    const figures = await timeOrders(web.url, OTHER, stand, "#O-");
    return { ...figures, backlogSynced: backlogArrivals(stand) - backlogBefore, workerRssMiB: worker.peakRssMiB() };
  } finally {
    if (worker !== web) await worker.stop();
    await web.stop();
    await stand.close();
  }
}

const backlogArrivals = (stand: Parameters<typeof partnerArrivals>[0]) => [...partnerArrivals(stand).keys()].filter((id) => id.startsWith("#B-")).length;
