import { randomUUID } from "node:crypto";
import { runJob, type RunnerDeps } from "./run-job.server";
import { policy } from "./retry-policy";

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
  /** Start the polling loop (false: drive it with runDue). */
  loop?: boolean;
}

/**
 * Claims due jobs and runs them, at most `concurrency` at once and at most one
 * per shop and partner at a time (so that a partner's rate limit, once hit,
 * holds every job for it, and its request order follows ours).
 */
export function startWorker(deps: RunnerDeps, options: WorkerOptions = {}): Worker {
  const id = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? 4;
  const pollIntervalMs = options.pollIntervalMs ?? policy.pollIntervalMs;
  const inFlight = new Map<string, Promise<void>>();
  const busyLanes = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const lane = (job: { shop: string; partner: string }) => `${job.shop}\u0000${job.partner}`;

  async function claimAndStart(): Promise<number> {
    const free = concurrency - inFlight.size;
    if (free <= 0 || stopped) return 0;
    const jobs = await deps.queue.claim(id, free, deps.now(), (job) => busyLanes.has(lane(job)));
    const seen = new Set<string>();
    for (const job of jobs) {
      // Two jobs of one lane in the same batch: run the first, hand the second back.
      if (seen.has(lane(job))) {
        await deps.queue.postpone(job, deps.now());
        continue;
      }
      seen.add(lane(job));
      busyLanes.add(lane(job));
      const running = runJob(deps, job)
        .catch((error) => deps.logger.error("worker could not settle a job", { jobId: job.id, error: String(error) }))
        .then(() => {
          inFlight.delete(job.id);
          busyLanes.delete(lane(job));
          wake?.();
        });
      inFlight.set(job.id, running);
    }
    return jobs.length;
  }

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
      wake?.();
      await looping;
      await Promise.all(inFlight.values());
    },
  };
}
