import type { PrismaClient } from "@prisma/client";
import { ensureJobs } from "./ingest.server";

export interface SyncStatusRow {
  orderId: string;
  orderName: string;
  partner: string;
  status: string;
  attempts: number;
  lastError: string | null;
  remoteId: string | null;
  updatedAt: string;
}

/** One row per order and partner for a shop (newest first), as the CLI and the admin list them. */
export async function syncStatus(db: PrismaClient, shop: string, options: { orderId?: string; limit?: number } = {}): Promise<SyncStatusRow[]> {
  const jobs = await db.syncJob.findMany({
    where: { shop, ...(options.orderId ? { orderId: options.orderId } : {}) },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: options.limit ?? 500,
  });
  const names = await db.orderSnapshot.findMany({
    where: { shop, orderId: { in: [...new Set(jobs.map((j) => j.orderId))] } },
    select: { orderId: true, orderName: true },
  });
  const nameOf = new Map(names.map((n) => [n.orderId, n.orderName]));
  return jobs.map((job) => ({
    orderId: job.orderId,
    orderName: nameOf.get(job.orderId) ?? "",
    partner: job.partner,
    status: job.status,
    attempts: job.attempts,
    lastError: job.lastError,
    remoteId: job.remoteId,
    updatedAt: job.updatedAt.toISOString(),
  }));
}

export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/**
 * Requeue: puts an order's jobs back in the queue, due now, with the copy of the
 * order the app has stored (Shopify is not read), for every enabled partner or one.
 * The CLI's sync:requeue; the admin's resync (resyncFromShopify, app/admin/resync.server.ts)
 * re-reads the order from Shopify first, then requeues. `force` forgets what the partner
 * accepted last, so the request is sent even if it has not changed (e.g. the record was
 * deleted on the partner's side).
 */
export async function requeueOrder(db: PrismaClient, shop: string, orderId: string, options: { partner?: string; force?: boolean } = {}): Promise<number> {
  const snapshot = await db.orderSnapshot.findUnique({ where: { shop_orderId: { shop, orderId } } });
  if (!snapshot) throw new NotFoundError(`Order ${orderId} is not known for ${shop}`);
  return db.$transaction(async (tx) => {
    if (options.force) {
      await tx.syncJob.updateMany({ where: { shop, orderId, ...(options.partner ? { partner: options.partner } : {}) }, data: { lastSentHash: null } });
    }
    return ensureJobs(tx, shop, orderId, options.partner ? [options.partner] : undefined);
  });
}
