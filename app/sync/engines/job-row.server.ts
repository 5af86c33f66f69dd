import type { PrismaClient } from "@prisma/client";
import type { ClaimedJob, Settlement } from "../queue.server";
import { DUE_STATUSES } from "../job-status";

// The SyncJob row's own lease, shared by every engine: whatever decides who may
// run a lane, the row names the worker that holds the job, and only that worker
// writes its outcome.

export const dueWhere = (now: Date) => ({ status: { in: [...DUE_STATUSES] }, nextRunAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] });

/**
 * Lanes with a due job: lanes with live work first (app/sync/job-priority.ts), then the lane whose oldest
 * due job waited longest. A lane with 20,000 due jobs is one row, not 20,000. `priority` is the lane's most urgent.
 */
export async function dueLanes(db: PrismaClient, now: Date, take: number): Promise<{ shop: string; partner: string; priority: number }[]> {
  const lanes = await db.syncJob.groupBy({
    by: ["shop", "partner"],
    where: dueWhere(now),
    _min: { nextRunAt: true, priority: true },
    orderBy: [{ _min: { priority: "asc" } }, { _min: { nextRunAt: "asc" } }],
    take,
  });
  return lanes.map(({ shop, partner, _min }) => ({ shop, partner, priority: _min.priority ?? 0 }));
}

/** Leases the lane's most urgent due job (then its oldest) to `owner`; null when it has none, or another worker took it first. */
export async function leaseOldestDue(db: PrismaClient, shop: string, partner: string, owner: string, now: Date, leaseUntil: Date): Promise<ClaimedJob | null> {
  const job = await db.syncJob.findFirst({ where: { shop, partner, ...dueWhere(now) }, orderBy: [{ priority: "asc" }, { nextRunAt: "asc" }] });
  if (!job) return null;
  // Compare-and-set on the lease we saw: a worker whose lease ran out may still be settling.
  const won = await db.syncJob.updateMany({
    where: { id: job.id, leaseUntil: job.leaseUntil, leaseOwner: job.leaseOwner, status: { in: [...DUE_STATUSES] } },
    data: { leaseOwner: owner, leaseUntil },
  });
  if (won.count !== 1) return null;
  const { id, orderId, generation, attempts, remoteId, lastSentHash, uncertain } = job;
  return { id, shop, orderId, partner, generation, attempts, remoteId, lastSentHash, uncertain, leaseOwner: owner };
}

/** Extends the job's lease; false when `job.leaseOwner` no longer holds it. */
export async function renewRow(db: PrismaClient, job: ClaimedJob, leaseUntil: Date): Promise<boolean> {
  const held = await db.syncJob.updateMany({ where: { id: job.id, leaseOwner: job.leaseOwner }, data: { leaseUntil } });
  return held.count === 1;
}

/** The outcome, written by the lease's owner only (see SyncQueue.settle); releases the row's lease. */
export async function settleRow(db: PrismaClient, job: ClaimedJob, s: Settlement): Promise<boolean> {
  const accepted = s.accepted ? { remoteId: s.accepted.remoteId ?? job.remoteId, lastSentHash: s.accepted.hash, ...(s.accepted.body !== undefined ? { lastSentBody: s.accepted.body } : {}) } : {};
  const released = { leaseOwner: null, leaseUntil: null };
  const full = await db.syncJob.updateMany({
    where: { id: job.id, generation: job.generation, leaseOwner: job.leaseOwner },
    data: {
      ...accepted,
      status: s.status,
      attempts: s.attempts,
      nextRunAt: s.nextRunAt,
      lastError: s.lastError,
      holdReason: s.holdReason ?? null,
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
}

/** Releases the row untouched but for when it is due again. */
export async function postponeRow(db: PrismaClient, job: ClaimedJob, runAt: Date): Promise<void> {
  await db.syncJob.updateMany({ where: { id: job.id, leaseOwner: job.leaseOwner }, data: { nextRunAt: runAt, leaseOwner: null, leaseUntil: null } });
}
