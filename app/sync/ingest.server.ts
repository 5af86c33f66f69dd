import { Prisma, type PrismaClient } from "@prisma/client";
import { extractFulfillment, extractOrderSnapshot, mergeFulfillment, type OrderSnapshot } from "~/orders/snapshot";
import { PARTNERS, type PartnerId } from "~/connectors/types";
import { connectors } from "~/connectors/registry";
import { merchantPausedReason } from "./partner-config.server";
import type { Logger } from "~/logger";
import { FULFILLMENT_TOPICS, ORDER_TOPICS, type Topic } from "./topics";

export type IngestResult =
  | { outcome: "recorded"; orderId: string; jobs: number }
  | { outcome: "duplicate" }
  | { outcome: "stale"; orderId: string }
  | { outcome: "unknown_order"; orderId: string }
  | { outcome: "invalid"; error: string };

export interface OrderWebhook {
  shop: string;
  topic: Topic;
  /** X-Shopify-Event-Id, else X-Shopify-Webhook-Id. */
  eventId: string;
  /** Parsed losslessly (ids as strings above 2^53). */
  body: unknown;
}

type Tx = Prisma.TransactionClient;

export function isUniqueViolation(error: unknown): boolean {
  // By code, not instanceof: the SQLite and Postgres clients are generated apart (db.server.ts).
  return (error instanceof Prisma.PrismaClientKnownRequestError || (error as { name?: string })?.name === "PrismaClientKnownRequestError") && (error as { code?: string }).code === "P2002";
}

/**
 * Records one order or fulfillment webhook durably, in one transaction: the
 * event (deduplicated by shop + event id), the order snapshot (never older than
 * the one stored) and one due sync job per enabled partner. The caller answers
 * 200 only after this returns; if it throws, Shopify must be told to retry.
 */
export async function ingestOrderWebhook(db: PrismaClient, webhook: OrderWebhook, logger: Logger): Promise<IngestResult> {
  const isOrder = (ORDER_TOPICS as readonly string[]).includes(webhook.topic);
  const isFulfillment = (FULFILLMENT_TOPICS as readonly string[]).includes(webhook.topic);
  if (!isOrder && !isFulfillment) throw new Error(`ingestOrderWebhook does not take ${webhook.topic}`);

  // Validate before opening the transaction: a malformed body is refused, not recorded.
  const order = isOrder ? extractOrderSnapshot(webhook.body) : null;
  const fulfillment = isFulfillment ? extractFulfillment(webhook.body) : null;
  if (order && !order.ok) return { outcome: "invalid", error: order.error };
  if (fulfillment && !fulfillment.ok) return { outcome: "invalid", error: fulfillment.error };

  try {
    return await db.$transaction(async (tx) => {
      const orderId = order?.ok ? order.snapshot.orderId : fulfillment!.ok ? fulfillment!.orderId : "";
      await tx.webhookEvent.create({ data: { shop: webhook.shop, eventId: webhook.eventId, topic: webhook.topic, orderId } });

      const stored = await tx.orderSnapshot.findUnique({ where: { shop_orderId: { shop: webhook.shop, orderId } } });
      const previous = stored ? (JSON.parse(stored.payload) as OrderSnapshot) : null;
      let next: OrderSnapshot;
      if (order?.ok) {
        // Shopify does not deliver in order: an older payload must not undo a newer one.
        if (previous && Date.parse(order.snapshot.updatedAt) < Date.parse(previous.updatedAt)) return { outcome: "stale", orderId };
        next = order.snapshot;
      } else if (fulfillment?.ok) {
        if (!previous) {
          // Nothing to merge into (the order predates the install, or its create is still in flight).
          logger.warn("fulfillment for an order we have not seen", { shop: webhook.shop, orderId });
          return { outcome: "unknown_order", orderId };
        }
        next = mergeFulfillment(previous, fulfillment.fulfillment);
        if (JSON.stringify(next) === JSON.stringify(previous)) return { outcome: "stale", orderId };
      } else {
        throw new Error("unreachable");
      }

      await tx.orderSnapshot.upsert({
        where: { shop_orderId: { shop: webhook.shop, orderId } },
        create: snapshotRow(webhook.shop, next),
        update: snapshotRow(webhook.shop, next),
      });
      const jobs = await ensureJobs(tx, webhook.shop, orderId);
      return { outcome: "recorded", orderId, jobs };
    });
  } catch (error) {
    // A concurrent delivery of the same event won the insert: nothing more to do.
    if (isUniqueViolation(error)) return { outcome: "duplicate" };
    throw error;
  }
}

function snapshotRow(shop: string, snapshot: OrderSnapshot) {
  return {
    shop,
    orderId: snapshot.orderId,
    orderName: snapshot.orderName,
    payload: JSON.stringify(snapshot),
    shopifyUpdatedAt: new Date(snapshot.updatedAt),
    customerId: snapshot.customerId,
    email: snapshot.email,
  };
}

/**
 * One job per configured partner, due now (held when the partner is paused). A job that exists already is set due
 * again with a new generation, so a worker busy with the older snapshot does not
 * mark the newer one synced. A partner paused for credentials keeps the job paused.
 */
export async function ensureJobs(tx: Tx | PrismaClient, shop: string, orderId: string, only?: readonly string[]): Promise<number> {
  const configs = await tx.partnerConfig.findMany({ where: { shop, partner: { in: [...(only ?? PARTNERS)] } } });
  const now = new Date();
  for (const config of configs) {
    // A paused partner (by the merchant, or for refused credentials) still gets the
    // job, held: resuming releases it, so no order placed meanwhile is missed.
    const heldBecause = !config.enabled ? merchantPausedReason(connectors[config.partner as PartnerId]?.displayName ?? config.partner) : config.pausedReason;
    const status = heldBecause ? "paused" : "pending";
    const lastError = heldBecause ?? null;
    await tx.syncJob.upsert({
      where: { shop_orderId_partner: { shop, orderId, partner: config.partner } },
      create: { shop, orderId, partner: config.partner, status, nextRunAt: now, lastError },
      update: { status, nextRunAt: now, attempts: 0, generation: { increment: 1 }, lastError },
    });
  }
  return configs.length;
}
