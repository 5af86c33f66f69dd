import type { PrismaClient } from "@prisma/client";
import { PgBoss, type Clock, type JobAttempt } from "pg-boss";
import type { Logger } from "~/logger";
import type { ClaimedJob, SyncQueue } from "../queue.server";
import { policy } from "../retry-policy";
import { JOB_PRIORITY } from "../job-priority";
import { dueLanes, leaseOldestDue, postponeRow, renewRow, settleRow } from "./job-row.server";

/** The pg-boss queue whose jobs are lanes; its schema is pg-boss's own, `pgboss`, beside the app's tables. */
export const LANE_QUEUE = "sync-lanes";
/** Where an announce reaches the idle workers of every process. */
const WAKE_CHANNEL = "partner_sync_wake";
/** pg-boss's schema (its default). */
const BOSS_SCHEMA = "pgboss";
/** Lanes a pump looks at per pass, oldest due first. */
const PUMP_LANES = 1000;

export interface PgBossQueueOptions {
  /** The Postgres DATABASE_URL; pg-boss keeps its own pool on it. */
  url: string;
  leaseMs?: number;
  logger?: Pick<Logger, "error" | "warn">;
  /** pg-boss's clock (tests: a TestClock shared by the instances that stand for several processes). */
  clock?: Clock;
  /** How often pg-boss looks for lanes whose heartbeat stopped (their worker died) and fails them. */
  superviseSeconds?: number;
}

export interface PgBossQueue extends SyncQueue {
  /** Started on first use; exposed for tests and operators. */
  readonly boss: PgBoss;
  /** Resolves once pg-boss's schema and the lane queue exist. */
  ready(): Promise<void>;
}

interface Lane {
  shop: string;
  partner: string;
}

/**
 * The engine for several app instances on one Postgres: pg-boss decides which
 * process runs a lane, so no lock of our own is needed.
 *
 * A pg-boss job here is a lane (shop and partner) with due work, not a SyncJob:
 * the queue's `exclusive` policy keyed by the lane lets at most one job per lane
 * be queued or active across every process, which is the one-request-in-flight
 * rule; its heartbeat is the lane's lease. One job per lane also keeps claims
 * fair: pg-boss fetches the oldest jobs first and applies `groupConcurrency`
 * only to that first batch, so one SyncJob per pg-boss job would let a lane with
 * 200 due jobs fill every batch while another shop's new order waited.
 *
 * Writers keep making jobs due by writing SyncJob rows (ingest, resume, resync,
 * retries). Each claim first pumps: every lane with a due, unleased SyncJob is
 * sent to pg-boss, and the insert is a no-op for a lane already queued or
 * running, so every process may pump. A lane is sent only once it is due (no
 * `startAfter`): a deferred lane job would hold the lane's one slot while a
 * newer job of that lane came due earlier. The worker's poll (a second) and
 * `announce` (pg_notify, heard by every process) drive the pump.
 *
 * The SyncJob row still carries the job's lease and owner, written as the table
 * engine does, and settle checks it: a worker whose lane lease lapsed may still
 * answer late, and only the owner writes the outcome.
 *
 * pg-boss creates and migrates its schema in `start()` (on first use, under an
 * advisory lock, so processes starting together agree); `npm run setup` only
 * migrates the app's tables. The database user must be allowed to create a schema.
 */
export function pgBossQueue(db: PrismaClient, options: PgBossQueueOptions): PgBossQueue {
  const leaseMs = options.leaseMs ?? policy.leaseMs;
  const until = (now: Date) => new Date(now.getTime() + leaseMs);
  const boss = new PgBoss({
    connectionString: options.url,
    application_name: "partner-sync",
    max: 5,
    schedule: false,
    // Expiry runs in the monitor pass, which the supervise timer starts: both at this pace.
    superviseIntervalSeconds: options.superviseSeconds ?? 10,
    monitorIntervalSeconds: options.superviseSeconds ?? 10,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  boss.on("error", (error: unknown) => options.logger?.error("pg-boss", { error: String(error) }));
  const listeners = new Set<() => void>();
  /** The pg-boss attempt behind each SyncJob this process holds. */
  const held = new Map<string, JobAttempt>();
  let starting: Promise<void> | null = null;
  let listening: Promise<{ close(): Promise<void> } | undefined> | null = null;
  let closed = false;

  const ready = () =>
    (starting ??= (async () => {
      await boss.start();
      await boss.createQueue(LANE_QUEUE, {
        policy: "exclusive",
        // A lapsed lane is not retried: its SyncJob is still due, and the next pump sends the lane again.
        retryLimit: 0,
        // pg-boss's floor for a heartbeat is 10 s.
        heartbeatSeconds: Math.max(10, Math.ceil(leaseMs / 1000)),
        // The heartbeat is the lease; this only bounds a job that keeps beating for ever.
        expireInSeconds: 60 * 60,
        deleteAfterSeconds: 60 * 60,
      });
    })());

  const fire = () => {
    for (const listener of listeners) listener();
  };

  function listen() {
    listening ??= ready().then(() => boss.getDb().listen?.(WAKE_CHANNEL, fire, fire));
    listening.catch((error: unknown) => options.logger?.warn("no cross-process wake-ups: the workers poll", { error: String(error) }));
  }

  async function pump(now: Date) {
    const lanes = await dueLanes(db, now, PUMP_LANES);
    if (lanes.length === 0) return;
    // pg-boss fetches higher priorities first: a lane with live work goes before lanes with only a
    // backfill's (app/sync/job-priority.ts); the lane's own jobs are then leased in the same order.
    const bossPriority = (lane: { priority: number }) => JOB_PRIORITY.backfill - lane.priority;
    await boss.insert(
      LANE_QUEUE,
      lanes.map((lane) => ({ data: { shop: lane.shop, partner: lane.partner }, singletonKey: `${lane.shop} ${lane.partner}`, priority: bossPriority(lane) })),
    );
    // The insert is a no-op for a lane already queued: one queued for its backfill and since given a
    // live job is raised, or it would wait behind every other backfill lane.
    const urgent = lanes.filter((lane) => lane.priority < JOB_PRIORITY.backfill);
    if (urgent.length > 0) {
      await boss.getDb().executeSql(
        `UPDATE ${BOSS_SCHEMA}.job AS j SET priority = u.priority
           FROM unnest($2::text[], $3::int[]) AS u(key, priority)
          WHERE j.name = $1 AND j.state = 'created' AND j.singleton_key = u.key AND j.priority < u.priority`,
        [LANE_QUEUE, urgent.map((lane) => `${lane.shop} ${lane.partner}`), urgent.map(bossPriority)],
      );
    }
  }

  async function release(jobId: string) {
    const attempt = held.get(jobId);
    held.delete(jobId);
    // Fenced to our attempt: a lane that lapsed and was taken again is left to its new worker.
    if (attempt) await boss.complete(LANE_QUEUE, attempt);
  }

  return {
    boss,
    ready,

    async claim(owner, limit, now) {
      await ready();
      await pump(now);
      const lanes = await boss.fetch<Lane>(LANE_QUEUE, { batchSize: limit });
      const claimed: ClaimedJob[] = [];
      for (const lane of lanes) {
        const attempt = { id: lane.id, retryCount: lane.retryCount };
        const job = await leaseOldestDue(db, lane.data.shop, lane.data.partner, owner, now, until(now));
        if (!job) {
          await boss.complete(LANE_QUEUE, attempt);
          continue;
        }
        held.set(job.id, attempt);
        claimed.push(job);
      }
      return claimed;
    },

    async renew(jobs, now) {
      const lost = new Set<string>();
      for (const job of jobs) {
        const attempt = held.get(job.id);
        const lane = attempt ? await boss.touch(LANE_QUEUE, attempt) : null;
        const row = await renewRow(db, job, until(now));
        if (!row || !lane || (lane as { affected?: number }).affected !== 1) lost.add(job.id);
      }
      return lost;
    },

    async settle(job, s) {
      try {
        return await settleRow(db, job, s);
      } finally {
        await release(job.id);
      }
    },

    async postpone(job, runAt) {
      await postponeRow(db, job, runAt);
      await release(job.id);
    },

    announce() {
      fire();
      if (closed) return;
      void ready()
        .then(() => boss.getDb().executeSql("SELECT pg_notify($1, '')", [WAKE_CHANNEL]))
        .catch((error: unknown) => options.logger?.warn("could not wake the other processes' workers", { error: String(error) }));
    },

    onAnnounce(listener) {
      listeners.add(listener);
      listen();
      return () => listeners.delete(listener);
    },

    async close() {
      closed = true;
      listeners.clear();
      if (!starting) return;
      await starting.catch(() => {});
      await (await listening?.catch(() => undefined))?.close();
      await boss.stop({ graceful: false });
    },
  };
}
