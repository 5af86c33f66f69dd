import type { PrismaClient } from "@prisma/client";
import { policy } from "./retry-policy";

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
 */
export interface SyncQueue {
  /** Takes up to `limit` due jobs under a lease; a crashed worker's jobs come back when the lease runs out. */
  claim(owner: string, limit: number, now: Date, exclude?: (job: { shop: string; partner: string }) => boolean): Promise<ClaimedJob[]>;
  /** Writes the outcome and releases the lease. Returns false when newer work for the job arrived during the attempt. */
  settle(job: ClaimedJob, settlement: Settlement): Promise<boolean>;
  /** Releases a claimed job untouched, due at `runAt` (e.g. the partner is on hold). */
  postpone(job: ClaimedJob, runAt: Date): Promise<void>;
}

const DUE_STATUSES = ["pending", "retrying"];

export function tableQueue(db: PrismaClient, leaseMs: number = policy.leaseMs): SyncQueue {
  return {
    async claim(owner, limit, now, exclude) {
      const candidates = await db.syncJob.findMany({
        where: { status: { in: DUE_STATUSES }, nextRunAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
        orderBy: { nextRunAt: "asc" },
        take: limit * 4,
      });
      const claimed: ClaimedJob[] = [];
      for (const job of candidates) {
        if (claimed.length >= limit) break;
        if (exclude?.(job)) continue;
        // Compare-and-set on the lease we saw: of two workers racing, one update matches.
        const won = await db.syncJob.updateMany({
          where: { id: job.id, leaseUntil: job.leaseUntil, leaseOwner: job.leaseOwner, status: { in: DUE_STATUSES } },
          data: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) },
        });
        if (won.count === 1) {
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
      }
      return claimed;
    },

    async settle(job, s) {
      const accepted = s.accepted
        ? { remoteId: s.accepted.remoteId ?? job.remoteId, lastSentHash: s.accepted.hash, ...(s.accepted.body !== undefined ? { lastSentBody: s.accepted.body } : {}) }
        : {};
      const full = await db.syncJob.updateMany({
        where: { id: job.id, generation: job.generation },
        data: {
          ...accepted,
          status: s.status,
          attempts: s.attempts,
          nextRunAt: s.nextRunAt,
          lastError: s.lastError,
          uncertain: s.uncertain,
          lastAttemptAt: s.attemptAt,
          ...(s.status === "synced" ? { syncedAt: s.attemptAt } : {}),
          leaseOwner: null,
          leaseUntil: null,
        },
      });
      if (full.count === 1) return true;
      // Newer work arrived: keep it pending, but remember what the partner accepted.
      await db.syncJob.updateMany({
        where: { id: job.id },
        data: { ...accepted, uncertain: s.uncertain, lastAttemptAt: s.attemptAt, leaseOwner: null, leaseUntil: null },
      });
      return false;
    },

    async postpone(job, runAt) {
      await db.syncJob.updateMany({ where: { id: job.id, leaseOwner: job.leaseOwner }, data: { nextRunAt: runAt, leaseOwner: null, leaseUntil: null } });
    },
  };
}
