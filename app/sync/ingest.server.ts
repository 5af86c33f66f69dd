import { Prisma, type PartnerConfig, type PrismaClient } from "@prisma/client";
import { extractFulfillment, extractOrderSnapshot, extractRefund } from "~/orders/read-webhook";
import type { PartnerId } from "~/connectors/types";
import { connectors } from "~/connectors/registry";
import { partnerHold } from "./partner-config.server";
import { JOB_PRIORITY, type JobRules } from "./job-priority";
import { FULFILLMENT_TOPICS, ORDER_TOPICS, REFUND_TOPICS, type Topic } from "./topics";

/** A delivery's body, validated: what the inbox keeps of it, or why it cannot be read. */
export type ValidatedDelivery = { ok: true; orderId: string; payload: string } | { ok: false; error: string };

/**
 * Validates an order, fulfillment or refund webhook body before anything is stored: a
 * malformed body is refused, not recorded. Keeps only the fields the mapping
 * reads (the snapshot, or the fulfillment or refund with its order id).
 */
export function validateDelivery(topic: Topic, body: unknown): ValidatedDelivery {
  if ((ORDER_TOPICS as readonly string[]).includes(topic)) {
    const order = extractOrderSnapshot(body);
    return order.ok ? { ok: true, orderId: order.snapshot.orderId, payload: JSON.stringify(order.snapshot) } : order;
  }
  if ((FULFILLMENT_TOPICS as readonly string[]).includes(topic)) {
    const fulfillment = extractFulfillment(body);
    return fulfillment.ok ? { ok: true, orderId: fulfillment.orderId, payload: JSON.stringify(fulfillment.fulfillment) } : fulfillment;
  }
  if ((REFUND_TOPICS as readonly string[]).includes(topic)) {
    // Only the refund's id, date and lines: its transactions (card details) are not kept.
    const refund = extractRefund(body);
    return refund.ok ? { ok: true, orderId: refund.orderId, payload: JSON.stringify(refund.refund) } : refund;
  }
  throw new Error(`validateDelivery does not take ${topic}`);
}

type Tx = Prisma.TransactionClient;

/** A shop's partner settings, read once per shop by whoever holds it (a merge of many orders reads each shop's once). */
export type PartnerConfigs = (shop: string) => Promise<PartnerConfig[]>;

export function partnerConfigsOf(tx: Tx | PrismaClient): PartnerConfigs {
  const read = new Map<string, Promise<PartnerConfig[]>>();
  return (shop) => {
    let configs = read.get(shop);
    if (!configs) read.set(shop, (configs = tx.partnerConfig.findMany({ where: { shop } })));
    return configs;
  };
}

export function isUniqueViolation(error: unknown): boolean {
  // By code, not instanceof: the SQLite and Postgres clients are generated apart (db.server.ts).
  return (error instanceof Prisma.PrismaClientKnownRequestError || (error as { name?: string })?.name === "PrismaClientKnownRequestError") && (error as { code?: string }).code === "P2002";
}

/**
 * One job per configured partner, due now (held when the partner is paused). A job that exists already is set due
 * again with a new generation, so a worker busy with the older snapshot does not
 * mark the newer one synced. A partner paused for credentials keeps the job paused.
 */
export async function ensureJobs(
  tx: Tx | PrismaClient,
  shop: string,
  orderId: string,
  only?: readonly string[],
  rules: JobRules = {},
  configsOf: PartnerConfigs = partnerConfigsOf(tx),
): Promise<number> {
  // Every partner the shop set up: a PartnerConfig row is written only through a registered connector (savePartnerConfig).
  let configs = (await configsOf(shop)).filter((config) => !only || only.includes(config.partner));
  if (rules.missingOnly) {
    const existing = new Set((await tx.syncJob.findMany({ where: { shop, orderId }, select: { partner: true } })).map((job) => job.partner));
    configs = configs.filter((config) => !existing.has(config.partner));
  }
  const now = new Date();
  // Who queued the job decides when it runs (job-priority.ts): a live delivery puts a backfill's job back in front.
  const priority = rules.priority ?? JOB_PRIORITY.live;
  const backfill = rules.backfillId ? { backfillId: rules.backfillId } : {};
  for (const config of configs) {
    // A paused partner (by the merchant, or for refused credentials) still gets the
    // job, held: resuming releases it, so no order placed meanwhile is missed.
    const hold = partnerHold(config, connectors[config.partner as PartnerId]?.displayName ?? config.partner);
    const status = hold ? "paused" : "pending";
    const lastError = hold?.message ?? null;
    const holdReason = hold?.reason ?? null;
    await tx.syncJob.upsert({
      where: { shop_orderId_partner: { shop, orderId, partner: config.partner } },
      create: { shop, orderId, partner: config.partner, status, nextRunAt: now, lastError, holdReason, priority, ...backfill },
      update: { status, nextRunAt: now, attempts: 0, generation: { increment: 1 }, lastError, holdReason, priority, ...backfill },
    });
  }
  return configs.length;
}
