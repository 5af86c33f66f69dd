// Fairness: one shop has 20,000 due jobs in its TestFreaks lane (written
// straight into the store) when another shop's orders start arriving, one
// every 200 ms: how long until each of those reaches the partner. The web
// process ingests (WORKER=off), a separate worker process syncs.
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

export async function measureFairness(store: BenchStore): Promise<FairnessFigures> {
  await store.empty();
  await installShop(store.db, keyring, BUSY);
  await installShop(store.db, keyring, OTHER);
  await insertDueJobs(store.db, BUSY, ORDER_BODY, BACKLOG, "#B-");
  const stand = await startStandIns();
  const web = await startApp("server", store.url, stand, { WORKER: "off" });
  const worker = await startApp("worker", store.url, stand);
  try {
    await warmUp(web.url, OTHER, stand, "#O-warm");
    const backlogBefore = backlogArrivals(stand);
    const figures = await timeOrders(web.url, OTHER, stand, "#O-");
    return { ...figures, backlogSynced: backlogArrivals(stand) - backlogBefore, workerRssMiB: worker.peakRssMiB() };
  } finally {
    await worker.stop();
    await web.stop();
    await stand.close();
  }
}

const backlogArrivals = (stand: Parameters<typeof partnerArrivals>[0]) => [...partnerArrivals(stand).keys()].filter((id) => id.startsWith("#B-")).length;
