// The order page's own data: the order as stored, and per partner the job, its
// attempts and what was last sent (masked). Only this shop's rows are read: an
// order id of another shop finds nothing and the page answers 404.
import type { PrismaClient } from "@prisma/client";
import { PARTNERS } from "~/connectors/types";
import type { OrderSnapshot } from "~/orders/snapshot";
import { maskedLastSentBody } from "./mask.server";
import { DUE_STATUSES } from "~/sync/job-status";

/** Attempts shown per partner, newest first; a job that retried for days keeps its whole log in the table. */
export const ATTEMPTS_SHOWN = 50;

export interface OrderSummary {
  orderId: string;
  orderName: string;
  createdAt: string;
  /** Shopify's updated_at of the snapshot we hold. */
  shopifyUpdatedAt: string;
  total: { amount: string; currency: string } | null;
  financialStatus: string | null;
  cancelled: boolean;
  lineCount: number;
  /** The customer's data was erased on request (customers/redact). */
  piiRedacted: boolean;
}

export interface AttemptView {
  startedAt: string;
  durationMs: number;
  httpStatus: number | null;
  outcome: string;
  error: string | null;
}

export interface JobView {
  status: string;
  remoteId: string | null;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  syncedAt: string | null;
  nextRunAt: string;
  updatedAt: string;
  /** Formatted JSON with personal data masked; null when nothing was recorded. */
  lastSent: string | null;
  attemptLog: AttemptView[];
  /** More attempts exist than ATTEMPTS_SHOWN. */
  attemptLogTruncated: boolean;
  /**
   * Where the partner's create call stands while no remote id is stored (SyncJob.createState):
   * sending / accepted_without_id ask the merchant to look the order up or mark it handled.
   */
  createState: string | null;
  /**
   * Why the job settled without calling the partner (no attempt since the order last changed:
   * its request was what the partner already accepted, or the order does not apply to it);
   * null when a call was made or the job is still to run.
   */
  noCallNeeded: string | null;
}

export interface PartnerOrderView {
  partner: string;
  /** The partner has settings stored for this shop (enabled or not). */
  configured: boolean;
  enabled: boolean;
  job: JobView | null;
}

export interface OrderDetail {
  order: OrderSummary;
  partners: PartnerOrderView[];
  /** Any job still waiting for the worker: the page keeps polling while true. */
  pending: boolean;
}

function summary(row: { orderId: string; orderName: string; payload: string; shopifyUpdatedAt: Date; createdAt: Date }): OrderSummary {
  let snapshot: Partial<OrderSnapshot> = {};
  try {
    snapshot = JSON.parse(row.payload) as OrderSnapshot;
  } catch {
    // A row we cannot read still has its name and id: the page shows what it can.
  }
  return {
    orderId: row.orderId,
    orderName: row.orderName,
    createdAt: snapshot.createdAt ?? row.createdAt.toISOString(),
    shopifyUpdatedAt: row.shopifyUpdatedAt.toISOString(),
    total: snapshot.total ? { amount: snapshot.total.shop.amount, currency: snapshot.total.shop.currency } : null,
    financialStatus: snapshot.financialStatus ?? null,
    cancelled: !!snapshot.cancelledAt,
    lineCount: snapshot.lineItems?.length ?? 0,
    piiRedacted: snapshot.piiRedacted ?? false,
  };
}

/** Null when the shop has no such order (the route answers 404). `partnerIds`: the registry's partners (the route passes the app's). */
export async function loadOrderDetail(db: PrismaClient, shop: string, orderId: string, partnerIds: readonly string[] = PARTNERS): Promise<OrderDetail | null> {
  if (!/^\d{1,20}$/.test(orderId)) return null;
  const row = await db.orderSnapshot.findUnique({
    where: { shop_orderId: { shop, orderId } },
    select: { orderId: true, orderName: true, payload: true, shopifyUpdatedAt: true, createdAt: true },
  });
  if (!row) return null;
  const [jobs, configs] = await Promise.all([db.syncJob.findMany({ where: { shop, orderId } }), db.partnerConfig.findMany({ where: { shop }, select: { partner: true, enabled: true } })]);
  const attemptsByJob = new Map(
    await Promise.all(
      jobs.map(async (job) => {
        const attempts = await db.syncAttempt.findMany({
          // The shop condition is redundant with the job id; it keeps the rule "every query is scoped by shop" checkable by eye.
          where: { shop, jobId: job.id },
          orderBy: { startedAt: "desc" },
          take: ATTEMPTS_SHOWN + 1,
        });
        return [job.id, attempts] as const;
      }),
    ),
  );

  const partners = partnerIds.map((partner): PartnerOrderView => {
    const config = configs.find((c) => c.partner === partner);
    const job = jobs.find((j) => j.partner === partner);
    const attempts = job ? (attemptsByJob.get(job.id) ?? []) : [];
    return {
      partner,
      configured: !!config,
      enabled: config?.enabled ?? false,
      job: job
        ? {
            status: job.status,
            remoteId: job.remoteId,
            attempts: job.attempts,
            lastError: job.lastError,
            lastAttemptAt: job.lastAttemptAt?.toISOString() ?? null,
            syncedAt: job.syncedAt?.toISOString() ?? null,
            nextRunAt: job.nextRunAt.toISOString(),
            updatedAt: job.updatedAt.toISOString(),
            lastSent: maskedLastSentBody(job.lastSentBody),
            attemptLog: attempts.slice(0, ATTEMPTS_SHOWN).map((a) => ({
              startedAt: a.startedAt.toISOString(),
              durationMs: a.durationMs,
              httpStatus: a.httpStatus,
              outcome: a.outcome,
              error: a.error,
            })),
            attemptLogTruncated: attempts.length > ATTEMPTS_SHOWN,
            createState: job.remoteId === null ? job.createState : null,
            noCallNeeded: noCallNeeded(job),
          }
        : null,
    };
  });
  return {
    order: summary(row),
    partners,
    pending: jobs.some((job) => (DUE_STATUSES as readonly string[]).includes(job.status)),
  };
}

/**
 * The sentence for a job that converged without a partner call: the attempt count (reset when the
 * order changes: app/sync/ingest.server.ts) is 0 and the job is settled, synced (the request was the
 * one the partner accepted before, outcome "unchanged") or skipped (the reason is in lastError).
 */
export function noCallNeeded(job: { status: string; attempts: number; lastError: string | null }): string | null {
  if (job.attempts !== 0) return null;
  if (job.status === "synced") return "Nothing to send: the partner already has this order as it is now, so no call was needed.";
  if (job.status === "skipped") {
    const why = job.lastError?.trim().replace(/\.?$/, ".") ?? "The order does not apply to this partner.";
    return `Nothing to send, so no call was made. ${why}`;
  }
  return null;
}

export interface OrderStatusView {
  orderId: string;
  pending: boolean;
  partners: { partner: string; status: string; lastError: string | null; remoteId: string | null; updatedAt: string }[];
}

/** The small answer the order page polls while a job is pending; null for an order the shop does not have. */
export async function loadOrderStatus(db: PrismaClient, shop: string, orderId: string): Promise<OrderStatusView | null> {
  if (!/^\d{1,20}$/.test(orderId)) return null;
  const exists = await db.orderSnapshot.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { orderId: true } });
  if (!exists) return null;
  const jobs = await db.syncJob.findMany({
    where: { shop, orderId },
    select: { partner: true, status: true, lastError: true, remoteId: true, updatedAt: true },
    orderBy: { partner: "asc" },
  });
  return {
    orderId,
    pending: jobs.some((job) => (DUE_STATUSES as readonly string[]).includes(job.status)),
    partners: jobs.map((job) => ({ ...job, updatedAt: job.updatedAt.toISOString() })),
  };
}
