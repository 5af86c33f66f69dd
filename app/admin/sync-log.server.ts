// The sync log: one row per order and partner (a SyncJob), newest activity
// first, filtered and searched, paged by keyset so that page 2,000 costs what
// page 1 costs. The cursor is the (updatedAt, id) of the row at the page's
// edge; the order (updatedAt DESC, id DESC) walks the [shop, updatedAt, id]
// index of SyncJob. An offset would make SQLite / Postgres count past every
// earlier row on every page.
import type { PrismaClient, Prisma } from "@prisma/client";
import { isPartnerId, type PartnerId } from "~/connectors/types";
import { isJobStatus, type JobStatus } from "~/sync/job-status";
import { waitingForMerchantWhere } from "~/sync/create-once.server";
import { addDays, isDay, startOfDayIn } from "~/time-zone";
import type { SyncStatusRow } from "~/sync/status.server";

export const LOG_PAGE_SIZE = 50;
/** A search matching more orders than this shows the most recent of them and says so. */
export const SEARCH_ORDER_LIMIT = 200;

export interface LogCursor {
  updatedAt: Date;
  id: string;
}

export interface SyncLogQuery {
  partner?: PartnerId;
  status?: JobStatus;
  /** Only orders waiting for the merchant (a create whose outcome is unknown): the "orders waiting for you" alert links here. */
  waitingForMerchant?: boolean;
  /** Last activity on or after this instant. */
  from?: Date;
  /** Last activity before this instant. */
  to?: Date;
  /** Part of the order name, e.g. "1001" or "#1001". */
  search?: string;
  /** The page after this row (older rows). */
  after?: LogCursor;
  /** The page before this row (newer rows). */
  before?: LogCursor;
  pageSize?: number;
}

/** The CLI's row (sync:status) plus the job id the page keys its rows by. */
export interface SyncLogRow extends SyncStatusRow {
  jobId: string;
}

export interface SyncLogPage {
  rows: SyncLogRow[];
  /** Cursor for the older page, null when this is the last one. */
  nextCursor: string | null;
  /** Cursor for the newer page, null when this is the first one. */
  previousCursor: string | null;
  /** The search matched more orders than SEARCH_ORDER_LIMIT: only the most recent are listed. */
  searchTruncated: boolean;
}

/** Opaque to the browser: `<ms>.<id>` in base64url. */
export function encodeCursor(cursor: LogCursor): string {
  return Buffer.from(`${cursor.updatedAt.getTime()}.${cursor.id}`, "utf8").toString("base64url");
}

/** Null for anything that is not a cursor we made: a hand-edited URL gives the first page, not an error. */
export function decodeCursor(text: string | null | undefined): LogCursor | null {
  if (!text) return null;
  const decoded = Buffer.from(text, "base64url").toString("utf8");
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(decoded);
  if (!match) return null;
  const updatedAt = new Date(Number(match[1]));
  return Number.isNaN(updatedAt.getTime()) ? null : { updatedAt, id: match[2]! };
}

/**
 * Rows strictly older (`older`) or strictly newer than the cursor, in
 * (updatedAt, id) order. Written as `updatedAt <= c AND (updatedAt < c OR id < c.id)`
 * rather than the plain `updatedAt < c OR (updatedAt = c AND id < c.id)`: the
 * first conjunct is a range the database seeks to in the [shop, updatedAt, id]
 * index, where the plain OR makes SQLite walk the index from the newest row
 * down to the cursor (scripts/bench-sync-log.ts shows both). Prisma cannot
 * write the row-value comparison `(updatedAt, id) < (?, ?)`.
 */
function beyond(cursor: LogCursor, older: boolean): Prisma.SyncJobWhereInput {
  const strict = older ? "lt" : "gt";
  const orEqual = older ? "lte" : "gte";
  return { AND: [{ updatedAt: { [orEqual]: cursor.updatedAt } }, { OR: [{ updatedAt: { [strict]: cursor.updatedAt } }, { id: { [strict]: cursor.id } }] }] };
}

/** The shop's order ids whose name contains the text ("1001" finds "#1001"). */
async function ordersMatching(db: PrismaClient, shop: string, search: string): Promise<{ ids: string[]; truncated: boolean }> {
  const text = search.trim();
  const found = await db.orderSnapshot.findMany({
    where: { shop, orderName: { contains: text } },
    select: { orderId: true },
    orderBy: { shopifyUpdatedAt: "desc" },
    take: SEARCH_ORDER_LIMIT + 1,
  });
  return { ids: found.slice(0, SEARCH_ORDER_LIMIT).map((row) => row.orderId), truncated: found.length > SEARCH_ORDER_LIMIT };
}

export async function querySyncLog(db: PrismaClient, shop: string, query: SyncLogQuery = {}): Promise<SyncLogPage> {
  const pageSize = Math.min(Math.max(query.pageSize ?? LOG_PAGE_SIZE, 1), 200);
  const where: Prisma.SyncJobWhereInput[] = [{ shop }];
  if (query.partner) where.push({ partner: query.partner });
  if (query.status) where.push({ status: query.status });
  if (query.waitingForMerchant) where.push(waitingForMerchantWhere(shop));
  if (query.from || query.to) where.push({ updatedAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } });

  let searchTruncated = false;
  if (query.search && query.search.trim() !== "") {
    const matched = await ordersMatching(db, shop, query.search);
    if (matched.ids.length === 0) return { rows: [], nextCursor: null, previousCursor: null, searchTruncated: false };
    searchTruncated = matched.truncated;
    where.push({ orderId: { in: matched.ids } });
  }

  // Walking back (a "previous" click) reads the newer rows in ascending order, then flips them.
  const backwards = !query.after && !!query.before;
  const cursor = query.after ?? query.before;
  if (cursor) where.push(beyond(cursor, !backwards));
  const direction = backwards ? "asc" : "desc";
  const found = await db.syncJob.findMany({
    where: { AND: where },
    orderBy: [{ updatedAt: direction }, { id: direction }],
    take: pageSize + 1,
    select: { id: true, orderId: true, partner: true, status: true, attempts: true, lastError: true, remoteId: true, updatedAt: true },
  });
  const more = found.length > pageSize;
  const jobs = found.slice(0, pageSize);
  if (backwards) jobs.reverse();

  const names = await db.orderSnapshot.findMany({
    where: { shop, orderId: { in: [...new Set(jobs.map((job) => job.orderId))] } },
    select: { orderId: true, orderName: true },
  });
  const nameOf = new Map(names.map((n) => [n.orderId, n.orderName]));
  const rows = jobs.map((job) => ({
    jobId: job.id,
    orderId: job.orderId,
    orderName: nameOf.get(job.orderId) ?? `Order ${job.orderId}`,
    partner: job.partner,
    status: job.status,
    attempts: job.attempts,
    lastError: job.lastError,
    remoteId: job.remoteId,
    updatedAt: job.updatedAt.toISOString(),
  }));

  const firstRow = jobs[0];
  const lastRow = jobs[jobs.length - 1];
  // Going forward, a page exists behind us whenever we came from a cursor; ahead of us when we read one row too many.
  const hasOlder = backwards ? true : more;
  const hasNewer = backwards ? more : !!cursor;
  return {
    rows,
    nextCursor: hasOlder && lastRow ? encodeCursor(lastRow) : null,
    previousCursor: hasNewer && firstRow ? encodeCursor(firstRow) : null,
    searchTruncated,
  };
}

/**
 * The log's filters from a URL's search params; anything unrecognised is ignored rather than refused.
 * "From" and "To" are the shop's days: from midnight in its zone, to the end of the "To" day there.
 */
export function parseLogParams(params: URLSearchParams, timeZone = "UTC"): SyncLogQuery & { fromText: string; toText: string } {
  const partner = params.get("partner") ?? "";
  const status = params.get("status") ?? "";
  const fromText = params.get("from") ?? "";
  const toText = params.get("to") ?? "";
  const from = isDay(fromText) ? startOfDayIn(fromText, timeZone) : undefined;
  // "To" is inclusive for the merchant: the whole of that day, up to the next midnight in the shop's zone.
  const toDay = isDay(toText) ? toText : undefined;
  const to = toDay ? startOfDayIn(addDays(toDay, 1), timeZone) : undefined;
  const search = (params.get("q") ?? "").trim().slice(0, 100);
  return {
    ...(isPartnerId(partner) ? { partner } : {}),
    ...(isJobStatus(status) ? { status } : {}),
    ...(params.get("waiting") === "merchant" ? { waitingForMerchant: true } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(search ? { search } : {}),
    ...(decodeCursor(params.get("after")) ? { after: decodeCursor(params.get("after"))! } : {}),
    ...(decodeCursor(params.get("before")) ? { before: decodeCursor(params.get("before"))! } : {}),
    fromText: from ? fromText : "",
    toText: toDay ? toText : "",
  };
}
