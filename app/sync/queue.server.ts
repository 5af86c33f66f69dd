import type { PrismaClient } from "@prisma/client";
import { policy } from "./retry-policy";
import { isUniqueViolation } from "./ingest.server";

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
  status: "pending" | "retrying" | "synced" | "failed" | "skipped" | "paused";
  attempts: number;
  nextRunAt: Date;
  lastError: string | null;
  uncertain: boolean;
  /** Written whatever happened meanwhile: the partner holds this order now. */
  accepted?: { remoteId: string | null; hash: string; body?: string; at: Date };
  attemptAt: Date;
}

/**
 * The engine behind the sync jobs. The SyncJob table stays the record the admin
 * and CLI read; an engine decides who runs what when. This one is the table
 * itself (SQLite or a single Postgres instance); a pg-boss engine for several
 * app instances can implement the same interface.
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
  /** Says that due jobs were just queued, so waiting workers of this process look now instead of at their next poll. */
  announce(): void;
  /** Calls `listener` on each announce; answers the unsubscribe. */
  onAnnounce(listener: () => void): () => void;
}

const DUE_STATUSES = ["pending", "retrying"];

const dueWhere = (now: Date) => ({ status: { in: DUE_STATUSES }, nextRunAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] });

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

  const releaseLane = (job: ClaimedJob) =>
    db.syncLane.updateMany({ where: { shop: job.shop, partner: job.partner, leaseOwner: job.leaseOwner }, data: { leaseOwner: null, leaseUntil: null } });

  return {
    async claim(owner, limit, now) {
      // One candidate per lane, the lane whose oldest due job waited longest first:
      // a lane with 20,000 due jobs is one candidate, not 20,000.
      const lanes = await db.syncJob.groupBy({
        by: ["shop", "partner"],
        where: dueWhere(now),
        _min: { nextRunAt: true },
        orderBy: { _min: { nextRunAt: "asc" } },
        take: limit * 4,
      });
      const claimed: ClaimedJob[] = [];
      for (const { shop, partner } of lanes) {
        if (claimed.length >= limit) break;
        if (!(await acquireLane(shop, partner, owner, now))) continue;
        const job = await db.syncJob.findFirst({ where: { shop, partner, ...dueWhere(now) }, orderBy: { nextRunAt: "asc" } });
        // Compare-and-set on the lease we saw: a worker whose lane lease ran out may still be settling.
        const won = job
          ? await db.syncJob.updateMany({
              where: { id: job.id, leaseUntil: job.leaseUntil, leaseOwner: job.leaseOwner, status: { in: DUE_STATUSES } },
              data: { leaseOwner: owner, leaseUntil: until(now) },
            })
          : { count: 0 };
        if (!job || won.count !== 1) {
          await db.syncLane.updateMany({ where: { shop, partner, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
          continue;
        }
        claimed.push({
          id: job.id,
          shop: job.shop,
          orderId: job.orderId,
          partner: job.partner,
          generation: job.generation,
          attempts: job.attempts,
          remoteId: job.remoteId,
          lastSentHash: job.lastSentHash,
          uncertain: job.uncertain,
          leaseOwner: owner,
        });
      }
      return claimed;
    },

    async renew(jobs, now) {
      const lost = new Set<string>();
      for (const job of jobs) {
        const held = await db.syncJob.updateMany({ where: { id: job.id, leaseOwner: job.leaseOwner }, data: { leaseUntil: until(now) } });
        const lane = await db.syncLane.updateMany({ where: { shop: job.shop, partner: job.partner, leaseOwner: job.leaseOwner }, data: { leaseUntil: until(now) } });
        if (held.count !== 1 || lane.count !== 1) lost.add(job.id);
      }
      return lost;
    },

    async settle(job, s) {
      const accepted = s.accepted
        ? { remoteId: s.accepted.remoteId ?? job.remoteId, lastSentHash: s.accepted.hash, ...(s.accepted.body !== undefined ? { lastSentBody: s.accepted.body } : {}) }
        : {};
      const released = { leaseOwner: null, leaseUntil: null };
      try {
        const full = await db.syncJob.updateMany({
          where: { id: job.id, generation: job.generation, leaseOwner: job.leaseOwner },
          data: {
            ...accepted,
            status: s.status,
            attempts: s.attempts,
            nextRunAt: s.nextRunAt,
            lastError: s.lastError,
            uncertain: s.uncertain,
            lastAttemptAt: s.attemptAt,
            ...(s.status === "synced" ? { syncedAt: s.attemptAt } : {}),
            ...released,
          },
        });
        if (full.count === 1) return true;
        // Newer work arrived: keep it pending, but remember what the partner accepted.
        const mine = await db.syncJob.updateMany({
          where: { id: job.id, leaseOwner: job.leaseOwner },
          data: { ...accepted, uncertain: s.uncertain, lastAttemptAt: s.attemptAt, ...released },
        });
        // The lease was lost: another worker owns the job now. What the partner
        // accepted is still true, and is what keeps that worker from sending it twice.
        if (mine.count === 0 && s.accepted) await db.syncJob.updateMany({ where: { id: job.id }, data: accepted });
        return false;
      } finally {
        await releaseLane(job);
      }
    },

    async postpone(job, runAt) {
      await db.syncJob.updateMany({ where: { id: job.id, leaseOwner: job.leaseOwner }, data: { nextRunAt: runAt, leaseOwner: null, leaseUntil: null } });
      await releaseLane(job);
    },

    announce() {
      for (const listener of listeners) listener();
    },

    onAnnounce(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
