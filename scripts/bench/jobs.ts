// Jobs synced per second by one worker process (`node build/bin/worker.js`,
// its default concurrency) from a backlog written straight into the store:
// one lane (one shop, TestFreaks), then 50 lanes (50 shops). Jobs of one shop
// and partner run one at a time by design, so one lane is bounded by a round
// trip and its bookkeeping; many lanes by the worker's concurrency.
import { insertDueJobs, installShop, type BenchStore } from "./store";
import { keyring, ORDER_BODY, partnerArrivals, startApp, startStandIns, waitFor } from "./runner";

export interface JobsFigures {
  lanes: number;
  jobsPerSec: number;
  synced: number;
  queued: number;
  /** The worker process's peak RSS, MiB. */
  workerRssMiB: number;
}

export async function measureJobs(store: BenchStore, lanes: number, jobsPerLane: number, capMs: number): Promise<JobsFigures> {
  await store.empty();
  const shops = Array.from({ length: lanes }, (_, i) => `bench-lane-${i}.myshopify.com`);
  for (const [i, shop] of shops.entries()) {
    await installShop(store.db, keyring, shop);
    await insertDueJobs(store.db, shop, ORDER_BODY, jobsPerLane, `#J${i}-`);
  }
  const queued = lanes * jobsPerLane;
  const stand = await startStandIns();
  const worker = await startApp("worker", store.url, stand);
  try {
    await waitFor(() => partnerArrivals(stand).size >= queued, capMs, 100);
    // From the first arrival to the last: the worker's start-up is not counted.
    const times = [...partnerArrivals(stand).values()].sort((a, b) => a - b);
    const span = (times.at(-1)! - times[0]!) / 1000;
    return { lanes, jobsPerSec: times.length > 1 ? (times.length - 1) / span : 0, synced: times.length, queued, workerRssMiB: worker.peakRssMiB() };
  } finally {
    await worker.stop();
    await stand.close();
  }
}
