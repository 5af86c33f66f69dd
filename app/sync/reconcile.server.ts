// Reconciliation: Shopify says webhooks can be missed and apps must reconcile
// (shopify.dev, "Best practices for webhooks": "Implement reconciliation jobs").
// Per shop, hourly by default (RECONCILE_INTERVAL_MINUTES) and on demand, the
// orders Shopify updated since the watermark are listed (paged by updated_at,
// only ids and times), compared with the stored snapshots, and each order whose
// snapshot is missing or older is read in full and recorded as if its webhook
// had arrived (app/sync/inbox.server.ts): the same merge and job rules, so a
// webhook that arrives late afterwards is a stale copy and nothing is sent twice.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import type { Logger } from "~/logger";
import type { ShopifyGraphql } from "~/shopify/admin-graphql.server";
import { webhookBodyOfExportedOrder } from "~/shopify/bulk-orders.server";
import { graphqlData } from "~/shopify/graphql-errors";
import { ORDER_FOR_SYNC_QUERY, orderGid } from "~/shopify/order-query";
import { recordDelivery } from "./inbox.server";
import { formatDateTime } from "~/admin/format";

export interface ReconcileDeps {
  db: PrismaClient;
  graphqlFor(shop: string): Promise<ShopifyGraphql>;
  logger: Logger;
  now?: () => Date;
  owner: string;
  leaseMs?: number;
  /** Told after jobs were queued. */
  queued?: () => void;
  /** Orders listed per page (Shopify's most is 250). */
  pageSize?: number;
}

/** Read again from a little before the watermark: an order saved as the last run read may show up late in Shopify's index. */
export const OVERLAP_MS = 5 * 60_000;
/** A shop's first run, with no watermark yet and no install date: how far back it looks. */
const FIRST_LOOKBACK_MS = 24 * 60 * 60_000;
const LEASE_MS = 5 * 60_000;

const ORDERS_PAGE_QUERY = `#graphql
query OrdersUpdatedSince($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes { id updatedAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

const pageSchema = z.object({
  nodes: z.array(z.object({ id: z.string(), updatedAt: z.string() })),
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
});

/** Asks for a run at the next pass of a worker (the admin's button, `sync:reconcile`). */
export async function requestReconciliation(db: PrismaClient, shop: string, now: Date = new Date()): Promise<Date> {
  await db.reconciliation.upsert({ where: { shop }, create: { shop, requestedAt: now }, update: { requestedAt: now } });
  return now;
}

/** Shops with a partner set up, installed, whose run is due: asked for, never run, or last started `intervalMinutes` ago. */
export async function dueReconciliations(db: PrismaClient, now: Date, intervalMinutes: number): Promise<{ shop: string }[]> {
  const configured = await db.partnerConfig.findMany({ distinct: ["shop"], select: { shop: true } });
  if (configured.length === 0) return [];
  const installed = await db.shop.findMany({ where: { shop: { in: configured.map((c) => c.shop) }, uninstalledAt: null, accessRefusedAt: null }, select: { shop: true } });
  const rows = new Map((await db.reconciliation.findMany({ where: { shop: { in: installed.map((s) => s.shop) } } })).map((row) => [row.shop, row]));
  const cutoff = now.getTime() - intervalMinutes * 60_000;
  return installed.filter(({ shop }) => {
    const row = rows.get(shop);
    if (row?.leaseUntil && row.leaseUntil.getTime() > now.getTime()) return false;
    if (row?.requestedAt) return true;
    if (intervalMinutes <= 0) return false;
    return !row?.lastStartedAt || row.lastStartedAt.getTime() <= cutoff;
  });
}

export interface ReconcileResult {
  read: number;
  recovered: number;
}

/**
 * One reconciliation of the shop, under its lease. Never throws: a failure is
 * kept on the row (and the watermark stays, so the next run covers the gap).
 */
export async function runReconciliation(deps: ReconcileDeps, shop: string): Promise<ReconcileResult | null> {
  const { db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const started = now();
  await db.reconciliation.upsert({ where: { shop }, create: { shop }, update: {} });
  const taken = await db.reconciliation.updateMany({
    where: { shop, OR: [{ leaseUntil: null }, { leaseUntil: { lt: started } }, { leaseOwner: deps.owner }] },
    data: { leaseOwner: deps.owner, leaseUntil: new Date(started.getTime() + (deps.leaseMs ?? LEASE_MS)), status: "running", lastStartedAt: started, requestedAt: null },
  });
  if (taken.count !== 1) return null;
  const row = await db.reconciliation.findUniqueOrThrow({ where: { shop } });
  const installedAt = (await db.shop.findUnique({ where: { shop }, select: { installedAt: true } }))?.installedAt;
  const from = new Date((row.watermark ?? installedAt ?? new Date(started.getTime() - FIRST_LOOKBACK_MS)).getTime() - OVERLAP_MS);
  let read = 0;
  let recovered = 0;
  try {
    const graphql = await deps.graphqlFor(shop);
    let after: string | null = null;
    for (;;) {
      const variables: Record<string, unknown> = { first: deps.pageSize ?? 250, after, query: `updated_at:>='${from.toISOString().replace(/\.\d{3}Z$/, "Z")}'` };
      const page = pageSchema.parse(graphqlData(await graphql(ORDERS_PAGE_QUERY, variables)).orders);
      read += page.nodes.length;
      const ids = page.nodes.map((node) => ({ orderId: /\/(\d+)$/.exec(node.id)?.[1] ?? node.id, updatedAt: Date.parse(node.updatedAt) }));
      const stored = new Map(
        (await db.orderSnapshot.findMany({ where: { shop, orderId: { in: ids.map((i) => i.orderId) } }, select: { orderId: true, shopifyUpdatedAt: true } })).map((s) => [
          s.orderId,
          s.shopifyUpdatedAt.getTime(),
        ]),
      );
      for (const { orderId, updatedAt } of ids) {
        const held = stored.get(orderId);
        if (held !== undefined && held >= updatedAt) continue;
        if (await recoverOrder(deps, graphql, shop, orderId, now)) recovered += 1;
      }
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
      after = page.pageInfo.endCursor;
      await db.reconciliation.updateMany({ where: { shop, leaseOwner: deps.owner }, data: { leaseUntil: new Date(now().getTime() + (deps.leaseMs ?? LEASE_MS)) } });
    }
    if (recovered > 0) deps.queued?.();
    await db.reconciliation.updateMany({
      where: { shop, leaseOwner: deps.owner },
      data: {
        status: "idle",
        watermark: started,
        lastFinishedAt: now(),
        lastRead: read,
        lastRecovered: recovered,
        recoveredTotal: { increment: recovered },
        error: null,
        leaseOwner: null,
        leaseUntil: null,
      },
    });
    if (recovered > 0) logger.warn("reconciliation recovered orders whose webhooks were missed", { shop, read, recovered });
    else logger.info("reconciliation found every order up to date", { shop, read });
    return { read, recovered };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.warn("reconciliation failed; the next run covers the same orders", { shop, error: message });
    if (recovered > 0) deps.queued?.();
    await db.reconciliation.updateMany({
      where: { shop, leaseOwner: deps.owner },
      data: { status: "idle", lastFinishedAt: now(), lastRead: read, lastRecovered: recovered, recoveredTotal: { increment: recovered }, error: message, leaseOwner: null, leaseUntil: null },
    });
    return null;
  }
}

/** Reads one order in full and records it as its webhook would have been; true when it was recorded. */
async function recoverOrder(deps: ReconcileDeps, graphql: ShopifyGraphql, shop: string, orderId: string, now: () => Date): Promise<boolean> {
  const data = graphqlData(await graphql(ORDER_FOR_SYNC_QUERY, { id: orderGid(orderId) }));
  // Deleted between the list and the read.
  if (!data.order) return false;
  const order = data.order as { lineItems?: { pageInfo?: { hasNextPage?: boolean } } };
  if (order.lineItems?.pageInfo?.hasNextPage) {
    deps.logger.warn("reconciliation: order has more lines than one read holds; left to its webhooks", { shop, orderId });
    return false;
  }
  const exported = webhookBodyOfExportedOrder(data.order);
  if (!exported.ok) {
    deps.logger.warn("reconciliation: Shopify's order could not be read", { shop, orderId, error: exported.error });
    return false;
  }
  const eventId = `reconcile:${exported.orderId}:${String(exported.body.updated_at)}`;
  // The lowest rank at equal updated_at (see app/sync/backfill.server.ts): only a newer state replaces ours.
  const recorded = await recordDelivery(deps.db, { shop, topic: "orders/create", eventId, body: exported.body, source: "reconcile" }, deps.logger, now);
  return recorded.outcome === "accepted";
}

export interface ReconcileView {
  status: "idle" | "running" | "requested" | "never";
  lastFinishedAt: string | null;
  lastRead: number;
  lastRecovered: number;
  recoveredTotal: number;
  error: string | null;
  summary: string;
}

/** `timeZone`: the zone "Last checked" is printed in (the shop's, on the admin's card). */
export async function reconcileView(db: PrismaClient, shop: string, timeZone = "UTC"): Promise<ReconcileView> {
  const row = await db.reconciliation.findUnique({ where: { shop } });
  if (!row) return { status: "never", lastFinishedAt: null, lastRead: 0, lastRecovered: 0, recoveredTotal: 0, error: null, summary: "Reconciliation has not run for this store yet." };
  const status = row.status === "running" ? "running" : row.requestedAt ? "requested" : row.lastFinishedAt ? "idle" : "never";
  const when = row.lastFinishedAt ? formatDateTime(row.lastFinishedAt, timeZone) : null;
  const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
  let summary = when
    ? `Last checked ${when}: ${plural(row.lastRead, "order")} compared with Shopify, ${plural(row.lastRecovered, "missed order")} recovered (${row.recoveredTotal.toLocaleString("en-US")} in all).`
    : "Reconciliation has not finished a run for this store yet.";
  if (row.error) summary += ` The last run failed: ${row.error}`;
  if (status === "running") summary = `Checking your orders against Shopify now. ${summary}`;
  if (status === "requested") summary = `A check is queued. ${summary}`;
  return { status, lastFinishedAt: row.lastFinishedAt?.toISOString() ?? null, lastRead: row.lastRead, lastRecovered: row.lastRecovered, recoveredTotal: row.recoveredTotal, error: row.error, summary };
}
