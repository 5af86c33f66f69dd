// The admin's resync ("Resync"): re-read the order from Shopify, keep the fresh snapshot
// when it is newer than ours, then queue the jobs (requeueOrder, which alone is the CLI's
// sync:requeue: the stored copy, Shopify not read). Re-reading first is the
// point: a merchant presses Resync after fixing something, often in Shopify
// itself, and a webhook may have been lost; re-sending our stored copy would
// send the very data that was wrong. When the read fails nothing is queued.
import type { PrismaClient } from "@prisma/client";
import { connectors } from "~/connectors/registry";
import type { PartnerId } from "~/connectors/types";
import type { Logger } from "~/logger";
import { redactSnapshotPii } from "~/orders/redact";
import type { OrderSnapshot } from "~/orders/snapshot";
import type { ShopifyGraphql } from "~/shopify/admin-graphql.server";
import { readOrderFromShopify } from "~/shopify/order-graphql.server";
import { requeueOrder } from "~/sync/status.server";

export interface ResyncDeps {
  db: PrismaClient;
  /** The shop's Admin GraphQL client (the request's, or the offline session's). */
  graphql: ShopifyGraphql;
  logger: Logger;
}

export type ResyncResult = { ok: true; queued: number; refreshed: boolean; message: string } | { ok: false; reason: "not_found" | "shopify" | "nothing_to_sync"; message: string };

/** Orders re-read per "Retry all failed" press: each is one Admin API call, and the request must finish. */
export const RETRY_FAILED_BATCH = 50;

function partnerName(partner: PartnerId | undefined): string {
  return partner ? connectors[partner].displayName : "the partners";
}

/**
 * Stores the fresh snapshot when Shopify's updated_at is newer than ours;
 * answers whether it did. In one transaction with the read of the stored row,
 * so a webhook landing meanwhile with an even newer version is not undone.
 */
async function storeIfNewer(db: PrismaClient, shop: string, fresh: OrderSnapshot): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const stored = await tx.orderSnapshot.findUnique({ where: { shop_orderId: { shop, orderId: fresh.orderId } } });
    if (!stored) return false;
    const previous = JSON.parse(stored.payload) as OrderSnapshot;
    if (Date.parse(fresh.updatedAt) <= Date.parse(previous.updatedAt)) return false;
    // The customer asked to be forgotten (customers/redact): what Shopify still shows must not come back through us.
    const next = previous.piiRedacted ? redactSnapshotPii(fresh) : fresh;
    await tx.orderSnapshot.update({
      where: { shop_orderId: { shop, orderId: fresh.orderId } },
      data: {
        orderName: next.orderName,
        payload: JSON.stringify(next),
        shopifyUpdatedAt: new Date(next.updatedAt),
        customerId: next.customerId,
        email: next.email,
        // A new version, so that an inbox merge read before this write cannot overwrite it (inbox.server.ts).
        version: { increment: 1 },
      },
    });
    return true;
  });
}

/**
 * Resync one order for every enabled partner, or one. `force` (the order
 * page's button) sends the request even when the partner accepted the same
 * one before: the merchant asked for it, e.g. after the record was removed on
 * the partner's side.
 */
export async function resyncFromShopify(deps: ResyncDeps, shop: string, orderId: string, options: { partner?: PartnerId; force?: boolean } = {}): Promise<ResyncResult> {
  const stored = await deps.db.orderSnapshot.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { orderName: true } });
  if (!stored) return { ok: false, reason: "not_found", message: "This order is not known to the app." };

  const read = await readOrderFromShopify(deps.graphql, orderId);
  if (!read.ok) {
    deps.logger.warn("resync: order re-read failed", { shop, orderId, reason: read.reason, error: read.message });
    return { ok: false, reason: "shopify", message: `${stored.orderName} was not resynced. ${read.message}.`.replace(/\.\.$/, ".") };
  }
  if (read.snapshot.orderId !== orderId) {
    return { ok: false, reason: "shopify", message: `${stored.orderName} was not resynced: Shopify answered a different order.` };
  }
  const refreshed = await storeIfNewer(deps.db, shop, read.snapshot);
  const queued = await requeueOrder(deps.db, shop, orderId, { ...(options.partner ? { partner: options.partner } : {}), force: options.force ?? false });
  if (queued === 0) {
    return { ok: false, reason: "nothing_to_sync", message: `${partnerName(options.partner)} ${options.partner ? "is" : "are"} not set up or turned off, so there is nothing to resync.` };
  }
  deps.logger.info("resync queued", { shop, orderId, partner: options.partner ?? "all", refreshed, queued });
  const what = options.partner ? connectors[options.partner].displayName : `${queued} partner${queued === 1 ? "" : "s"}`;
  return { ok: true, queued, refreshed, message: `${stored.orderName} is queued for ${what}${refreshed ? " with the latest data from Shopify" : ""}.` };
}

export interface RetryFailedResult {
  /** Orders re-read and queued. */
  queued: number;
  /** Orders Shopify could not give us; their jobs stay failed. */
  failures: { orderId: string; orderName: string; message: string }[];
  /** The partner's jobs still failed afterwards (beyond the batch, or not re-readable). */
  remaining: number;
  message: string;
}

/**
 * "Retry all failed" for one partner: every failed job of the partner, each
 * order re-read first, in batches of RETRY_FAILED_BATCH (oldest failure first,
 * so repeated presses work through the list). Stops early when Shopify is
 * unavailable or throttles: the rest would fail the same way.
 */
export async function retryFailedForPartner(deps: ResyncDeps, shop: string, partner: PartnerId, batch = RETRY_FAILED_BATCH): Promise<RetryFailedResult> {
  const name = connectors[partner].displayName;
  const failed = await deps.db.syncJob.findMany({
    where: { shop, partner, status: "failed" },
    orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
    take: batch,
    select: { orderId: true },
  });
  let queued = 0;
  const failures: RetryFailedResult["failures"] = [];
  for (const { orderId } of failed) {
    const stored = await deps.db.orderSnapshot.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { orderName: true } });
    if (!stored) {
      failures.push({ orderId, orderName: `Order ${orderId}`, message: "The order's data is no longer stored (erased on request)." });
      continue;
    }
    const read = await readOrderFromShopify(deps.graphql, orderId);
    if (!read.ok) {
      failures.push({ orderId, orderName: stored.orderName, message: read.message });
      if (read.reason === "unavailable") break;
      if (read.reason === "not_found") {
        // It can never sync again: settle it so it stops heading the failed list that the next press works through.
        await deps.db.syncJob.updateMany({
          where: { shop, orderId, partner, status: "failed" },
          data: { status: "skipped", lastError: "Shopify no longer has this order (deleted): there is nothing to sync." },
        });
      }
      continue;
    }
    await storeIfNewer(deps.db, shop, read.snapshot);
    queued += await requeueOrder(deps.db, shop, orderId, { partner });
  }
  const stillFailed = await deps.db.syncJob.count({ where: { shop, partner, status: "failed" } });
  const parts = [queued > 0 ? `${queued} failed order${queued === 1 ? "" : "s"} queued for ${name}.` : `No failed ${name} orders were queued.`];
  if (failures.length > 0) parts.push(`${failures.length} could not be re-read from Shopify.`);
  if (stillFailed > 0) parts.push(`${stillFailed} still failed: press Retry again${failures.length > 0 ? " later" : ""}.`);
  deps.logger.info("retry failed", { shop, partner, queued, failures: failures.length, stillFailed });
  return { queued, failures, remaining: stillFailed, message: parts.join(" ") };
}
