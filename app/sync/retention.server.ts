// What the app keeps, and for how long (RETENTION_DAYS, default 90):
// - delivery records (WebhookEvent) once merged: an operator's replay window.
//   A delivery still unmerged, or waiting for its order (waiting_for_order), is
//   never pruned: it is work, not history.
// - attempt logs (SyncAttempt): the order page's and the sync log's history.
// - cached partner look-ups (PartnerCache: Reverb customer ids by email,
//   Revers.io model ids, product details) not refreshed within the period;
//   a mapping the merchant pinned stays. A look-up pruned is simply made again.
// - resolved alerts.
// - an order's personal data: an order whose snapshot has not changed for the
//   period, and whose every job is settled (synced, skipped, failed), keeps its
//   ids, lines, amounts, fulfillments and refunds but loses the customer's name,
//   email, phone and addresses, as customers/redact erases them
//   (redactSnapshotPii), and the request last sent to each partner (which
//   quotes them) is dropped. Why that is enough: returns, review invitations
//   and referral credits all happen within weeks of an order; a later change of
//   the order arrives as a full orders/updated, which carries the customer
//   again. An order a job still works on (pending, retrying, paused) keeps its
//   data until the job settles.
// Deletes go in batches, shop by shop, so a pass never holds a long lock.
// docs/alerts-and-retention.md says the same for operators.
import type { PrismaClient } from "@prisma/client";
import { maintenanceSettings } from "~/config.server";
import type { Logger } from "~/logger";
import { redactSnapshotPii } from "~/orders/redact";
import type { OrderSnapshot } from "~/orders/snapshot";
import { UNSETTLED_STATUSES } from "./job-status";

export interface RetentionCounts {
  deliveries: number;
  attempts: number;
  cacheEntries: number;
  alerts: number;
  ordersErased: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes rows chosen a batch at a time (ids first, then a delete by id): no long lock, no huge IN list. */
async function deleteInBatches(pick: (take: number) => Promise<{ id: string }[]>, remove: (ids: string[]) => Promise<{ count: number }>, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = (await pick(batchSize)).map((row) => row.id);
    if (ids.length === 0) return total;
    total += (await remove(ids)).count;
    if (ids.length < batchSize) return total;
  }
}

/** One retention pass over every shop the app knows. */
export async function pruneExpired(db: PrismaClient, { retentionDays, now, batchSize = 500 }: { retentionDays: number; now: Date; batchSize?: number }): Promise<RetentionCounts> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const counts: RetentionCounts = { deliveries: 0, attempts: 0, cacheEntries: 0, alerts: 0, ordersErased: 0 };
  const shops = new Set((await db.shop.findMany({ select: { shop: true } })).map((row) => row.shop));
  // A shop whose Shop row is gone (erased, then sent a late webhook) may still hold rows.
  for (const row of await db.webhookEvent.findMany({ where: { receivedAt: { lt: cutoff }, processedAt: { not: null } }, select: { shop: true }, distinct: ["shop"] })) shops.add(row.shop);
  for (const shop of shops) {
    counts.deliveries += await deleteInBatches(
      (take) => db.webhookEvent.findMany({ where: { shop, receivedAt: { lt: cutoff }, processedAt: { not: null } }, select: { id: true }, take }),
      // processedAt again: a row merged meanwhile is fine to go, one that is waiting never is.
      (ids) => db.webhookEvent.deleteMany({ where: { shop, id: { in: ids }, processedAt: { not: null } } }),
      batchSize,
    );
    counts.attempts += await deleteInBatches(
      (take) => db.syncAttempt.findMany({ where: { shop, startedAt: { lt: cutoff } }, select: { id: true }, take }),
      (ids) => db.syncAttempt.deleteMany({ where: { shop, id: { in: ids } } }),
      batchSize,
    );
    counts.cacheEntries += await deleteInBatches(
      (take) => db.partnerCache.findMany({ where: { shop, pinned: false, updatedAt: { lt: cutoff } }, select: { id: true }, take }),
      (ids) => db.partnerCache.deleteMany({ where: { shop, pinned: false, id: { in: ids } } }),
      batchSize,
    );
    counts.alerts += await deleteInBatches(
      (take) => db.alert.findMany({ where: { shop, resolvedAt: { lt: cutoff } }, select: { id: true }, take }),
      (ids) => db.alert.deleteMany({ where: { shop, id: { in: ids } } }),
      batchSize,
    );
    counts.ordersErased += await eraseIdleOrders(db, shop, cutoff, batchSize);
  }
  return counts;
}

/** Erases the personal data of the shop's orders idle since before the cutoff whose jobs are settled; answers how many. */
async function eraseIdleOrders(db: PrismaClient, shop: string, cutoff: Date, batchSize: number): Promise<number> {
  let erased = 0;
  let after: string | undefined;
  for (;;) {
    // By id, not by date: an order skipped (a job still open) must not hold up the ones after it.
    const rows = await db.orderSnapshot.findMany({
      where: { shop, updatedAt: { lt: cutoff }, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      select: { id: true, orderId: true, payload: true, version: true },
      take: batchSize,
    });
    if (rows.length === 0) return erased;
    after = rows[rows.length - 1]!.id;
    const busy = new Set(
      (await db.syncJob.findMany({ where: { shop, orderId: { in: rows.map((r) => r.orderId) }, status: { in: [...UNSETTLED_STATUSES] } }, select: { orderId: true }, distinct: ["orderId"] })).map(
        (j) => j.orderId,
      ),
    );
    for (const row of rows) {
      if (busy.has(row.orderId)) continue;
      const snapshot = JSON.parse(row.payload) as OrderSnapshot;
      const redacted = snapshot.piiRedacted ? snapshot : redactSnapshotPii(snapshot);
      // Compare-and-set on the version, like the inbox's merges: a delivery merged meanwhile wins.
      const written = await db.orderSnapshot.updateMany({
        where: { id: row.id, version: row.version, updatedAt: { lt: cutoff } },
        data: { payload: JSON.stringify(redacted), email: null, version: row.version + 1 },
      });
      if (written.count === 0) continue;
      await db.syncJob.updateMany({ where: { shop, orderId: row.orderId, lastSentBody: { not: null } }, data: { lastSentBody: null } });
      if (!snapshot.piiRedacted) erased++;
    }
    if (rows.length < batchSize) return erased;
  }
}

/** The worker's retention pass on a timer (hourly; the first one shortly after start). Answers the stop function. */
export function startRetention(deps: { db: PrismaClient; env: Record<string, string | undefined>; logger: Logger; now: () => Date }, intervalMs = 60 * 60 * 1000): () => void {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const counts = await pruneExpired(deps.db, { retentionDays: maintenanceSettings(deps.env).retentionDays, now: deps.now() });
      if (Object.values(counts).some((n) => n > 0)) deps.logger.info("retention: expired records pruned", { ...counts });
    } catch (error) {
      deps.logger.error("retention pass failed; retried at the next one", { error: error instanceof Error ? error.message : String(error) });
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void pass(), 30_000);
  first.unref();
  const timer = setInterval(() => void pass(), intervalMs);
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
