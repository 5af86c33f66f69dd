// Given-steps for the admin query tests: rows written straight into a test
// store, with the timestamps the test needs (SyncJob.updatedAt included: Prisma
// keeps an explicit value given on create).
import type { PrismaClient } from "@prisma/client";
import type { OrderSnapshot } from "~/orders/snapshot";

export const SHOP_A = "shop-a.myshopify.com";
export const SHOP_B = "shop-b.myshopify.com";

export async function seedOrder(db: PrismaClient, shop: string, orderId: string, orderName: string, snapshot?: OrderSnapshot) {
  const payload: OrderSnapshot | { orderId: string; orderName: string } = snapshot ?? { orderId, orderName };
  const updatedAt = snapshot ? new Date(snapshot.updatedAt) : new Date("2026-01-01T00:00:00Z");
  await db.orderSnapshot.create({
    data: { shop, orderId, orderName, payload: JSON.stringify(payload), shopifyUpdatedAt: updatedAt, customerId: snapshot?.customerId ?? null, email: snapshot?.email ?? null },
  });
}

export interface JobSeed {
  orderId: string;
  partner: string;
  status?: string;
  updatedAt?: Date;
  attempts?: number;
  lastError?: string | null;
  remoteId?: string | null;
  lastSentBody?: string | null;
}

export async function seedJob(db: PrismaClient, shop: string, job: JobSeed) {
  return db.syncJob.create({
    data: {
      shop,
      orderId: job.orderId,
      partner: job.partner,
      status: job.status ?? "synced",
      attempts: job.attempts ?? 1,
      lastError: job.lastError ?? null,
      remoteId: job.remoteId ?? null,
      lastSentBody: job.lastSentBody ?? null,
      ...(job.updatedAt ? { updatedAt: job.updatedAt, createdAt: job.updatedAt } : {}),
    },
  });
}

export async function seedAttempt(
  db: PrismaClient,
  shop: string,
  jobId: string,
  attempt: { startedAt: Date; outcome: string; httpStatus?: number | null; error?: string | null; durationMs?: number },
) {
  await db.syncAttempt.create({
    data: {
      shop,
      jobId,
      startedAt: attempt.startedAt,
      outcome: attempt.outcome,
      httpStatus: attempt.httpStatus ?? null,
      error: attempt.error ?? null,
      durationMs: attempt.durationMs ?? 120,
    },
  });
}

/** A partner settings row the state queries read (the secrets are never decrypted by them). A pausedReason is a credentials pause. */
export async function seedPartnerConfig(db: PrismaClient, shop: string, partner: string, fields: { enabled?: boolean; pausedReason?: string | null; holdUntil?: Date | null } = {}) {
  await db.partnerConfig.create({
    data: {
      shop,
      partner,
      settings: "{}",
      secrets: "not-read-by-these-tests",
      enabled: fields.enabled ?? true,
      holdReason: fields.pausedReason ? "credentials_refused" : null,
      pausedReason: fields.pausedReason ?? null,
      pausedAt: fields.pausedReason ? new Date("2026-03-01T08:00:00Z") : null,
      holdUntil: fields.holdUntil ?? null,
    },
  });
}
