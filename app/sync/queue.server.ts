import type { PrismaClient } from "@prisma/client";
import { policy } from "./retry-policy";
import type { HoldReason } from "./hold-reason";
import type { JobStatus } from "./job-status";
import { isUniqueViolation } from "./ingest.server";
import { dueLanes, leaseOldestDue, postponeRow, renewRow, settleRow } from "./engines/job-row.server";

/** A job a worker holds under lease. */
export interface ClaimedJob {
  id: string;
  shop: string;
  orderId: string;
  partner: string;
  generation: number;
  attempts: number;
  remoteId: string | null;
  lastSentHash: string | null;
  uncertain: boolean;
  leaseOwner: string;
}

/** What a finished attempt writes back. Status fields apply only if no newer work arrived meanwhile. */
export interface Settlement {
  status: JobStatus;
  attempts: number;
  nextRunAt: Date;
  lastError: string | null;
  /** Why the job is held (paused, or retrying after a 429); null or absent: not held. */
  holdReason?: HoldReason | null;
  uncertain: boolean;
  /** Written whatever happened meanwhile: the partner holds this order now. */
  accepted?: { remoteId: string | null; hash: string; body?: string; at: Date };
  attemptAt: Date;
}

/**
 * The engine behind the sync jobs. The SyncJob table stays the record the admin
 * and CLI read, and every writer makes a job due by writing its row; an engine
 * decides who runs what when. Two engines: `tableQueue` below (SQLite, or one
 * Postgres), and `pgBossQueue` (engines/pgboss-queue.server.ts) where
 * DATABASE_URL is Postgres, for several app instances.
 *
 * The rules every engine keeps: at most one job in flight per shop and partner
 * (its lane) across every process; claims fair across lanes, so one shop's
 * backlog never holds another shop's orders back; a lease renewed while the job
 * works, and only the lease's owner settles.
 */
export interface SyncQueue {
  /** Takes up to `limit` due jobs under a lease, at most one per lane and none of a lane another worker holds. */
  claim(owner: string, limit: number, now: Date): Promise<ClaimedJob[]>;
  /** Extends the leases of jobs still working; answers the ids whose lease this owner no longer holds. */
  renew(jobs: ClaimedJob[], now: Date): Promise<Set<string>>;
  /**
   * Writes the outcome and releases the lease. Returns false when newer work for
   * the job arrived during the attempt, or the lease was lost (then only what the
   * partner accepted is written).
   */
  settle(job: ClaimedJob, settlement: Settlement): Promise<boolean>;
  /** Releases a claimed job untouched, due at `runAt` (e.g. the partner is on hold). */
  postpone(job: ClaimedJob, runAt: Date): Promise<void>;
  /** Says that due jobs were just queued, so waiting workers look now instead of at their next poll (of every process, where the engine can reach them). */
  announce(): void;
  /** Calls `listener` on each announce; answers the unsubscribe. */
  onAnnounce(listener: () => void): () => void;
  /** Lets go of what the engine holds open (connections, listeners); after the worker stopped. */
  close(): Promise<void>;
}

/** The engine's own SyncLane rows lease each lane; the SyncJob row leases the job. */
export function tableQueue(db: PrismaClient, leaseMs: number = policy.leaseMs): SyncQueue {
  const listeners = new Set<() => void>();
  const until = (now: Date) => new Date(now.getTime() + leaseMs);

  /** The lane's lease for `owner`, if no one else holds it: update a free row, or create it (a race loses on the key). */
  async function acquireLane(shop: string, partner: string, owner: string, now: Date): Promise<boolean> {
    const taken = await db.syncLane.updateMany({
      where: { shop, partner, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { leaseOwner: owner, leaseUntil: until(now) },
    });
    if (taken.count === 1) return true;
    try {
      await db.syncLane.create({ data: { shop, partner, leaseOwner: owner, leaseUntil: until(now) } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  const releaseLane = (job: Pick<ClaimedJob, "shop" | "partner" | "leaseOwner">) =>
    db.syncLane.updateMany({ where: { shop: job.shop, partner: job.partner, leaseOwner: job.leaseOwner }, data: { leaseOwner: null, leaseUntil: null } });

  return {
    async claim(owner, limit, now) {
      const claimed: ClaimedJob[] = [];
      for (const { shop, partner } of await dueLanes(db, now, limit * 4)) {
        if (claimed.length >= limit) break;
        if (!(await acquireLane(shop, partner, owner, now))) continue;
        const job = await leaseOldestDue(db, shop, partner, owner, now, until(now));
        if (job) claimed.push(job);
        else await releaseLane({ shop, partner, leaseOwner: owner });
      }
      return claimed;
    },

    async renew(jobs, now) {
      const lost = new Set<string>();
      for (const job of jobs) {
        const held = await renewRow(db, job, until(now));
        const lane = await db.syncLane.updateMany({ where: { shop: job.shop, partner: job.partner, leaseOwner: job.leaseOwner }, data: { leaseUntil: until(now) } });
        if (!held || lane.count !== 1) lost.add(job.id);
      }
      return lost;
    },

    async settle(job, s) {
      try {
        return await settleRow(db, job, s);
      } finally {
        await releaseLane(job);
      }
    },

    async postpone(job, runAt) {
      await postponeRow(db, job, runAt);
      await releaseLane(job);
    },

    announce() {
      for (const listener of listeners) listener();
    },

    onAnnounce(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      listeners.clear();
    },
  };
}
