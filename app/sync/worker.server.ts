import { randomUUID } from "node:crypto";
import { runJob, type JobLease, type RunnerDeps } from "./run-job.server";
import type { ClaimedJob } from "./queue.server";
import { policy } from "./retry-policy";
import { startAlertMonitor } from "./alerts.server";
import { startRetention } from "./retention.server";

export interface Worker {
  /** Claims and runs whatever is due now; resolves when those jobs are settled. For tests and the demo. */
  runDue(): Promise<number>;
  /** Stops claiming, waits for the jobs in flight. */
  stop(): Promise<void>;
  readonly id: string;
}

export interface WorkerOptions {
  concurrency?: number;
  pollIntervalMs?: number;
  /** How often the leases of jobs in flight are renewed (a third of the queue's lease). */
  renewIntervalMs?: number;
  /** Start the polling loop (false: drive it with runDue). */
  loop?: boolean;
}

/**
 * Claims due jobs and runs them, at most `concurrency` at once; the queue gives
 * at most one job per shop and partner at a time, across processes (so that a
 * partner's rate limit, once hit, holds every job for it, and its request order
 * follows ours). The leases of jobs in flight are renewed while they work; a job
 * whose lease was lost anyway makes no further partner call.
 */
export function startWorker(deps: RunnerDeps, options: WorkerOptions = {}): Worker {
  const id = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? 4;
  const pollIntervalMs = options.pollIntervalMs ?? policy.pollIntervalMs;
  const renewIntervalMs = options.renewIntervalMs ?? policy.leaseMs / 3;
  const inFlight = new Map<string, Promise<void>>();
  const working = new Map<string, { job: ClaimedJob; lease: JobLease }>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;

  async function claimAndStart(): Promise<number> {
    const free = concurrency - inFlight.size;
    if (free <= 0 || stopped) return 0;
    const jobs = await deps.queue.claim(id, free, deps.now());
    for (const job of jobs) {
      const lease: JobLease = { lost: false };
      working.set(job.id, { job, lease });
      const running = runJob(deps, job, lease)
        .catch((error) => deps.logger.error("worker could not settle a job", { jobId: job.id, error: String(error) }))
        .then(() => {
          inFlight.delete(job.id);
          working.delete(job.id);
          wake?.();
        });
      inFlight.set(job.id, running);
    }
    return jobs.length;
  }

  async function renewLeases() {
    const current = [...working.values()];
    if (current.length === 0) return;
    try {
      const lost = await deps.queue.renew(
        current.map((w) => w.job),
        deps.now(),
      );
      for (const { job, lease } of current) {
        if (!lost.has(job.id)) continue;
        lease.lost = true;
        deps.logger.warn("lease lost while the job was working: it makes no further partner call", { jobId: job.id, shop: job.shop, partner: job.partner });
      }
    } catch (error) {
      deps.logger.error("worker could not renew its leases", { error: String(error) });
    }
  }
  const renewer = setInterval(() => void renewLeases(), renewIntervalMs);
  renewer.unref();
  // A webhook that queued a job in this process wakes an idle worker at once.
  const unsubscribe = deps.queue.onAnnounce(() => wake?.());

  async function loop() {
    while (!stopped) {
      let claimed = 0;
      try {
        claimed = await claimAndStart();
      } catch (error) {
        deps.logger.error("worker could not claim jobs", { error: String(error) });
      }
      if (stopped) break;
      if (claimed === 0 || inFlight.size >= concurrency) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, pollIntervalMs);
        });
        wake = null;
        if (timer) clearTimeout(timer);
      }
    }
  }

  const looping = options.loop === false ? Promise.resolve() : loop();
  // A running worker also tells merchants about incidents (alerts.server.ts) and prunes what
  // is kept past its retention (retention.server.ts); every worker process may, side by side.
  const stopMaintenance =
    options.loop === false ? [] : [startAlertMonitor({ ...deps, shopContact: deps.shopContact ?? (() => Promise.reject(new Error("no Admin API client in this process"))) }), startRetention(deps)];

  return {
    id,
    async runDue() {
      let total = 0;
      for (;;) {
        const claimed = await claimAndStart();
        total += claimed;
        if (inFlight.size === 0) return total;
        await Promise.race(inFlight.values());
      }
    },
    async stop() {
      stopped = true;
      clearInterval(renewer);
      for (const stopOne of stopMaintenance) stopOne();
      unsubscribe();
      wake?.();
      await looping;
      await Promise.all(inFlight.values());
    },
  };
}
