// Backfill: a shop's orders placed since a date, for one partner or all,
// recorded as if their webhooks had arrived (the inbox's snapshot and job rules,
// app/sync/inbox.server.ts), so an order the app already holds in this state is
// not sent again. Its jobs run behind live orders (app/sync/job-priority.ts) and
// within each partner's rate (app/sync/rate-limit.server.ts).
//
// A backfill is a row (Backfill) that a worker process leases and moves through
//   exporting  Shopify builds the JSONL file (a bulk operation) and we follow it;
//   reading    we stream the file, one order at a time, checkpointing linesRead;
//   syncing    every order is recorded; we wait for its jobs to settle;
//   finished | failed | cancelled.
// Everything it needs to go on is in the row: a worker that stops mid-way is
// replaced by the next one once the lease runs out, and it resumes from the
// bulk operation and the line it had reached.
import type { PrismaClient } from "@prisma/client";
import { ShopifyError } from "~/connectors/errors";
import { connectors } from "~/connectors/registry";
import { isPartnerId, type PartnerId } from "~/connectors/types";
import type { Logger } from "~/logger";
import type { ShopifyGraphql } from "~/shopify/admin-graphql.server";
import { BulkFileError, cancelExport, readExport, readOrdersExport, startOrdersExport, webhookBodyOfExportedOrder, type BulkOperationState } from "~/shopify/bulk-orders.server";
import { ShopifyAccessRefused } from "~/shopify/offline-access.server";
import { recordDeliveries } from "./inbox.server";
import { ensureJobs } from "./ingest.server";
import { JOB_PRIORITY } from "./job-priority";
import { DUE_STATUSES } from "./job-status";
import { dayIn } from "~/time-zone";

export const ACTIVE_BACKFILL = ["exporting", "reading", "syncing"] as const;
export type BackfillStatus = (typeof ACTIVE_BACKFILL)[number] | "finished" | "failed" | "cancelled";

export interface BackfillDeps {
  db: PrismaClient;
  /** The shop's Admin GraphQL client (its offline session, renewed first). */
  graphqlFor(shop: string): Promise<ShopifyGraphql>;
  /** Downloads Shopify's file (cloud storage, no token). */
  fetch?: typeof fetch;
  logger: Logger;
  now?: () => Date;
  /** This process, as it writes itself into the lease. */
  owner: string;
  /** Between two looks at Shopify's export. */
  pollMs?: number;
  leaseMs?: number;
  /** After a failure that may pass (Shopify unreachable, throttled, token refused): when to try again. */
  retryMs?: number;
  /** Told after jobs were queued, so idle workers look now. */
  queued?: () => void;
  /** Orders recorded per batch (BATCH_ORDERS). */
  batchSize?: number;
}

const DEFAULTS = { pollMs: 2_000, leaseMs: 60_000, retryMs: 30_000 };
/**
 * Orders recorded together (one append, one merge transaction, one checkpoint). 20: on this
 * machine's SQLite about as fast as 50 (a long transaction is slower per order) with less memory,
 * and a shorter hold on the write lock the webhook inbox waits for (scripts/bench/backfill.ts).
 */
const BATCH_ORDERS = 20;
/** How often, while reading, the backfill's jobs are counted for the progress bar. */
const COUNT_JOBS_MS = 2_000;

type BackfillRow = NonNullable<Awaited<ReturnType<PrismaClient["backfill"]["findUnique"]>>>;

export type StartBackfillResult = { ok: true; id: string } | { ok: false; message: string };

/**
 * Records a backfill to run (the worker starts it). One at a time per shop:
 * Shopify runs one bulk query per shop and app.
 */
export async function startBackfill(db: PrismaClient, shop: string, input: { since: Date; partner?: PartnerId | null }, now: Date = new Date()): Promise<StartBackfillResult> {
  if (Number.isNaN(input.since.getTime())) return { ok: false, message: "Choose the date to start from." };
  if (input.since.getTime() > now.getTime()) return { ok: false, message: "The start date is in the future: choose today or an earlier day." };
  const partner = input.partner ?? null;
  const configured = await db.partnerConfig.findMany({ where: { shop, ...(partner ? { partner } : {}) }, select: { partner: true } });
  if (configured.length === 0) {
    return { ok: false, message: partner ? `${connectors[partner].displayName} is not set up: save its settings first.` : "No partner is set up yet: set one up first." };
  }
  const running = await db.backfill.findFirst({ where: { shop, status: { in: [...ACTIVE_BACKFILL] } } });
  if (running) return { ok: false, message: `A backfill ${running.partner ? `for ${partnerName(running.partner)} ` : ""}is already running: wait for it to finish or cancel it.` };
  const row = await db.backfill.create({ data: { shop, partner, since: input.since, status: "exporting", startedAt: now } });
  return { ok: true, id: row.id };
}

/** Stops a backfill: nothing more is read, and its jobs not yet sent are not sent (skipped). */
export async function cancelBackfill(db: PrismaClient, shop: string, id: string, now: Date = new Date()): Promise<boolean> {
  const stopped = await db.backfill.updateMany({
    where: { id, shop, status: { in: [...ACTIVE_BACKFILL] } },
    data: { status: "cancelled", finishedAt: now, leaseOwner: null, leaseUntil: null },
  });
  if (stopped.count === 0) return false;
  // Only jobs still waiting with the backfill's priority: one a live webhook has queued since goes out.
  await db.syncJob.updateMany({
    where: { shop, backfillId: id, status: { in: [...DUE_STATUSES] }, priority: JOB_PRIORITY.backfill, leaseOwner: null },
    data: { status: "skipped", lastError: "Not sent: the backfill that queued it was cancelled.", holdReason: null },
  });
  await refreshJobCounts(db, shop, id);
  return true;
}

/** The shop's backfills, newest first. */
export function listBackfills(db: PrismaClient, shop: string, options: { partner?: string | null; take?: number } = {}) {
  return db.backfill.findMany({
    where: { shop, ...(options.partner !== undefined ? { OR: [{ partner: options.partner }, { partner: null }] } : {}) },
    orderBy: { startedAt: "desc" },
    take: options.take ?? 10,
  });
}

async function refreshJobCounts(db: PrismaClient, shop: string, id: string): Promise<{ open: number }> {
  const groups = await db.syncJob.groupBy({ by: ["status"], where: { shop, backfillId: id }, _count: { _all: true } });
  const count = (status: string) => groups.find((g) => g.status === status)?._count._all ?? 0;
  await db.backfill.updateMany({ where: { id, shop }, data: { synced: count("synced"), failed: count("failed"), skipped: count("skipped") } });
  return { open: DUE_STATUSES.reduce((sum, status) => sum + count(status), 0) };
}

class Stop extends Error {}

/**
 * Takes the backfill's lease and moves it on as far as it can now: to the end,
 * or until it must wait (its jobs still running, Shopify unavailable). Answers
 * false when another process holds it or it is no longer active.
 */
export async function runBackfill(deps: BackfillDeps, id: string, stopping: () => boolean = () => false): Promise<boolean> {
  const { db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? DEFAULTS.leaseMs;
  const at = now();
  const taken = await db.backfill.updateMany({
    where: { id, status: { in: [...ACTIVE_BACKFILL] }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: at } }, { leaseOwner: deps.owner }] },
    data: { leaseOwner: deps.owner, leaseUntil: new Date(at.getTime() + leaseMs) },
  });
  if (taken.count !== 1) return false;
  let row = await db.backfill.findUniqueOrThrow({ where: { id } });
  /** Extends the lease and writes `data`, only while the backfill is ours and in `status`; else stops. */
  const write = async (status: BackfillStatus, data: Record<string, unknown>) => {
    const done = await db.backfill.updateMany({ where: { id, leaseOwner: deps.owner, status }, data: { ...data, leaseUntil: new Date(now().getTime() + leaseMs) } });
    if (done.count !== 1) throw new Stop();
  };
  /** When the next look may happen: now, unless Shopify asked for patience. */
  let retryAt: Date | null = null;
  try {
    let graphql: ShopifyGraphql | null = null;
    const shopify = async () => (graphql ??= await deps.graphqlFor(row.shop));
    if (row.status === "exporting") {
      const operation = await followExport(deps, row, shopify, write);
      if (!operation) {
        retryAt = new Date(now().getTime() + (deps.pollMs ?? DEFAULTS.pollMs));
        return true;
      }
      row = await db.backfill.findUniqueOrThrow({ where: { id } });
    }
    if (row.status === "reading") {
      const finishedReading = await readOrders(deps, row, shopify, write, stopping);
      if (!finishedReading) return true;
      row = await db.backfill.findUniqueOrThrow({ where: { id } });
    }
    if (row.status === "syncing") {
      const { open } = await refreshJobCounts(db, row.shop, id);
      if (open === 0) {
        await write("syncing", { status: "finished", finishedAt: now(), error: null });
        logger.info("backfill finished", { shop: row.shop, backfillId: id });
      }
    }
    return true;
  } catch (error) {
    if (error instanceof Stop) return true;
    const passing = error instanceof ShopifyAccessRefused || (error instanceof ShopifyError && error.failureClass !== "permanent");
    const message = error instanceof Error ? error.message : String(error);
    if (passing) {
      // Tried again after retryMs, by whichever worker looks then.
      logger.warn("backfill waits: Shopify could not be used just now", { shop: row.shop, backfillId: id, error: message });
      retryAt = new Date(now().getTime() + (deps.retryMs ?? DEFAULTS.retryMs));
      await db.backfill.updateMany({ where: { id, leaseOwner: deps.owner }, data: { error: message } });
      return true;
    }
    logger.error("backfill failed", { shop: row.shop, backfillId: id, error: message, bulkFile: error instanceof BulkFileError });
    await db.backfill.updateMany({ where: { id, leaseOwner: deps.owner, status: { in: [...ACTIVE_BACKFILL] } }, data: { status: "failed", error: message, finishedAt: now() } });
    return true;
  } finally {
    await db.backfill.updateMany({ where: { id, leaseOwner: deps.owner }, data: { leaseOwner: null, leaseUntil: retryAt } });
  }
}

/** Starts (or adopts) the export and looks at it once; answers it once COMPLETED, null while Shopify is still at work. */
async function followExport(
  deps: BackfillDeps,
  row: BackfillRow,
  shopify: () => Promise<ShopifyGraphql>,
  write: (status: BackfillStatus, data: Record<string, unknown>) => Promise<void>,
): Promise<BulkOperationState | null> {
  const graphql = await shopify();
  let operationId = row.bulkOperationId;
  if (!operationId) {
    const started = await startOrdersExport(graphql, row.since);
    if (started.ok) operationId = started.operation.id;
    else if (started.inProgress && (await isOurs(deps.db, row, started.inProgress))) operationId = started.inProgress.id;
    else if (started.inProgress) {
      // Someone else's export (another backfill of this app is one per shop, so: a previous run of ours we lost track of, or another tool).
      throw new ShopifyError(`Shopify is busy with another export for this store (${started.inProgress.id}); the backfill starts once it is done`, "retryable", null);
    } else throw new ShopifyError(`Shopify refused the export: ${started.message}`, "permanent", null);
    await write("exporting", { bulkOperationId: operationId, error: null });
    deps.logger.info("backfill export started", { shop: row.shop, backfillId: row.id, bulkOperationId: operationId });
  }
  // One look per pass: while Shopify builds the file the worker's loop serves the other shops (it comes back in pollMs).
  const operation = await readExport(graphql, operationId);
  if (!operation) throw new ShopifyError(`Shopify no longer knows the export ${operationId}`, "permanent", null);
  if (operation.status === "COMPLETED") {
    await write("exporting", { status: "reading", ordersTotal: operation.rootObjectCount ?? 0, linesRead: 0, error: null });
    return operation;
  }
  if (operation.status === "FAILED" || operation.status === "CANCELED" || operation.status === "EXPIRED") {
    throw new ShopifyError(`Shopify's export ended ${operation.status.toLowerCase()}${operation.errorCode ? ` (${operation.errorCode})` : ""}`, "permanent", null);
  }
  try {
    await write("exporting", { ordersTotal: operation.rootObjectCount ?? null });
  } catch (error) {
    // Cancelled meanwhile: Shopify need not finish the file.
    if (error instanceof Stop && (await deps.db.backfill.count({ where: { id: row.id, status: "cancelled" } })) > 0) await cancelExport(graphql, operationId);
    throw error;
  }
  return null;
}

/** Shopify's running export is this backfill's when its query reads our start date and no other backfill of the shop claims it. */
async function isOurs(db: PrismaClient, row: BackfillRow, operation: BulkOperationState): Promise<boolean> {
  const since = row.since.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (!operation.query?.includes(since)) return false;
  return (await db.backfill.count({ where: { shop: row.shop, bulkOperationId: operation.id, NOT: { id: row.id } } })) === 0;
}

/** Streams the file from the line reached, recording each order; true once the whole file is recorded. */
async function readOrders(
  deps: BackfillDeps,
  row: BackfillRow,
  shopify: () => Promise<ShopifyGraphql>,
  write: (status: BackfillStatus, data: Record<string, unknown>) => Promise<void>,
  stopping: () => boolean,
): Promise<boolean> {
  const { db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const operation = await readExport(await shopify(), row.bulkOperationId!);
  if (!operation) throw new ShopifyError(`Shopify no longer knows the export ${row.bulkOperationId}: start a new backfill`, "permanent", null);
  const counts = { linesRead: row.linesRead, ordersRead: row.ordersRead, unchanged: row.unchanged, invalid: row.invalid, queued: row.queued };
  let lastCounted = Date.now();
  const batchSize = deps.batchSize ?? BATCH_ORDERS;
  let batch: { node: unknown; linesAfter: number }[] = [];
  /** Records the batch in two commits, then checkpoints: a restart re-reads at most one batch. */
  const flush = async () => {
    if (batch.length === 0) return;
    const outcomes = await recordExportedOrders(
      db,
      row,
      batch.map((order) => order.node),
      logger,
      now,
    );
    for (const outcome of outcomes) {
      if (outcome.kind === "queued") counts.queued += outcome.jobs;
      else counts[outcome.kind] += 1;
    }
    counts.ordersRead += batch.length;
    counts.linesRead = batch.at(-1)!.linesAfter;
    batch = [];
    await write("reading", { ...counts });
    deps.queued?.();
    // The partners' answers so far, for the progress bar (not on every batch: it counts the backfill's jobs).
    if (Date.now() - lastCounted >= COUNT_JOBS_MS) {
      await refreshJobCounts(db, row.shop, row.id);
      lastCounted = Date.now();
    }
  };
  // No url: the query matched no order.
  if (operation.url) {
    for await (const order of readOrdersExport(operation.url, { skipLines: row.linesRead, fetch: deps.fetch })) {
      batch.push(order);
      if (batch.length < batchSize) continue;
      await flush();
      if (stopping()) return false;
    }
    await flush();
  }
  await write("reading", { ...counts, status: "syncing" });
  deps.queued?.();
  logger.info("backfill read every order", { shop: row.shop, backfillId: row.id, orders: counts.ordersRead, queued: counts.queued, unchanged: counts.unchanged, invalid: counts.invalid });
  return true;
}

type RecordOutcome = { kind: "queued"; jobs: number } | { kind: "unchanged" | "invalid" };

async function recordExportedOrders(db: PrismaClient, row: BackfillRow, nodes: unknown[], logger: Logger, now: () => Date): Promise<RecordOutcome[]> {
  const exported = nodes.map((node) => webhookBodyOfExportedOrder(node));
  const readable = exported.flatMap((order) => (order.ok ? [order] : []));
  for (const order of exported) {
    if (!order.ok) logger.warn("backfill: an order of Shopify's export could not be read", { shop: row.shop, backfillId: row.id, order: order.name, error: order.error });
  }
  // The same id for the same state of the order: a second backfill (or a resumed one) finds it a duplicate.
  // Recorded with the lowest rank at equal updated_at (orders/create): a copy of a state the app already
  // holds never replaces what a webhook brought; a newer state replaces it whatever its topic.
  const recorded = await recordDeliveries(
    db,
    readable.map((order) => ({
      shop: row.shop,
      topic: "orders/create" as const,
      eventId: `backfill:${order.orderId}:${String(order.body.updated_at)}`,
      body: order.body,
      source: "backfill" as const,
      backfillId: row.id,
    })),
    logger,
    now,
  );
  const only = row.partner ? [row.partner] : undefined;
  const outcomes: RecordOutcome[] = [];
  let next = 0;
  for (const order of exported) {
    if (!order.ok) {
      outcomes.push({ kind: "invalid" });
      continue;
    }
    const result = recorded[next++]!;
    // The store uninstalled the app meanwhile: the inbox keeps nothing for it, and nothing is sent.
    if (result.outcome === "not_installed") throw new ShopifyError("The store has uninstalled the app", "permanent", null);
    if (result.outcome === "invalid") {
      logger.warn("backfill: an order of Shopify's export was refused", { shop: row.shop, backfillId: row.id, order: order.name, error: result.error });
      outcomes.push({ kind: "invalid" });
    } else if (result.jobs > 0) {
      outcomes.push({ kind: "queued", jobs: result.jobs });
    } else {
      // Held already in this state: a partner set up after the order arrived has no job for it yet.
      const added = await ensureJobs(db, row.shop, order.orderId, only, { missingOnly: true, priority: JOB_PRIORITY.backfill, backfillId: row.id });
      // Read again after a restart: its jobs were queued by this backfill before the last checkpoint.
      const mine = added > 0 || result.outcome !== "duplicate" ? 0 : await db.syncJob.count({ where: { shop: row.shop, orderId: order.orderId, backfillId: row.id } });
      outcomes.push(added > 0 ? { kind: "queued", jobs: added } : mine > 0 ? { kind: "queued", jobs: mine } : { kind: "unchanged" });
    }
  }
  return outcomes;
}

// ---------------------------------------------------------------------------
// What the admin and the CLI show

export interface BackfillView {
  id: string;
  partner: string | null;
  partnerName: string;
  /** YYYY-MM-DD: the day it starts from, in the zone the view was made for (the shop's in the admin, UTC in the CLI). */
  since: string;
  status: BackfillStatus;
  active: boolean;
  ordersTotal: number | null;
  ordersRead: number;
  unchanged: number;
  invalid: number;
  queued: number;
  synced: number;
  failed: number;
  skipped: number;
  /** 0..1: half for reading Shopify's file, half for the partners' answers. */
  progress: number;
  /** Seconds left at the pace so far; null until there is a pace to go by. */
  etaSeconds: number | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  /** One sentence: where it is, or how it ended. */
  summary: string;
}

const partnerName = (partner: string | null) => (partner && isPartnerId(partner) ? connectors[partner].displayName : "all partners");
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** `timeZone`: the days the summary names (the backfill's first day, the day it finished) are that zone's. */
export function backfillView(row: BackfillRow, now: Date = new Date(), timeZone = "UTC"): BackfillView {
  const day = (date: Date) => dayIn(date, timeZone);
  const status = row.status as BackfillStatus;
  const active = (ACTIVE_BACKFILL as readonly string[]).includes(status);
  const settled = row.synced + row.failed + row.skipped;
  const read = status === "exporting" ? 0 : status === "reading" ? (row.ordersTotal ? Math.min(1, row.ordersRead / row.ordersTotal) : 0) : 1;
  const answered = row.queued > 0 ? Math.min(1, settled / row.queued) : status === "syncing" || !active ? 1 : 0;
  const progress = status === "finished" ? 1 : 0.5 * read + 0.5 * read * answered;
  const elapsedSec = Math.max(0, (now.getTime() - row.startedAt.getTime()) / 1000);
  const etaSeconds = active && progress >= 0.01 && progress < 1 ? Math.round((elapsedSec * (1 - progress)) / progress) : null;
  const who = partnerName(row.partner);
  const sent = `${count(row.queued, "order sent", "orders sent")}${row.partner ? "" : " (counted per partner)"}: ${row.synced.toLocaleString("en-US")} synced, ${row.failed.toLocaleString("en-US")} failed, ${row.skipped.toLocaleString("en-US")} skipped`;
  const upToDate = row.unchanged > 0 ? `; ${count(row.unchanged, "order")} already up to date` : "";
  const unreadable = row.invalid > 0 ? `; ${count(row.invalid, "order")} Shopify sent could not be read (see the log)` : "";
  let summary: string;
  switch (status) {
    case "exporting":
      summary = `Shopify is preparing your orders since ${day(row.since)} for ${who}${row.ordersTotal ? ` (${count(row.ordersTotal, "order")} so far)` : ""}.${row.error ? ` Waiting: ${row.error}` : ""}`;
      break;
    case "reading":
      summary = `Reading ${count(row.ordersTotal ?? 0, "order")} since ${day(row.since)} for ${who}: ${row.ordersRead.toLocaleString("en-US")} read, ${sent}${upToDate}.${row.error ? ` Waiting: ${row.error}` : ""}`;
      break;
    case "syncing":
      summary = `All ${count(row.ordersRead, "order")} since ${day(row.since)} read; sending to ${who}: ${sent}${upToDate}.`;
      break;
    case "finished":
      summary = `Backfill since ${day(row.since)} for ${who} finished${row.finishedAt ? ` on ${day(row.finishedAt)}` : ""}: ${count(row.ordersRead, "order")} read, ${sent}${upToDate}${unreadable}.`;
      break;
    case "cancelled":
      summary = `Backfill since ${day(row.since)} for ${who} was cancelled after ${count(row.ordersRead, "order")} read: ${sent}${upToDate}.`;
      break;
    default:
      summary = `Backfill since ${day(row.since)} for ${who} stopped: ${row.error ?? "unknown error"}. ${count(row.ordersRead, "order")} read, ${sent}.`;
  }
  return {
    id: row.id,
    partner: row.partner,
    partnerName: who,
    since: day(row.since),
    status,
    active,
    ordersTotal: row.ordersTotal,
    ordersRead: row.ordersRead,
    unchanged: row.unchanged,
    invalid: row.invalid,
    queued: row.queued,
    synced: row.synced,
    failed: row.failed,
    skipped: row.skipped,
    progress,
    etaSeconds,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    error: row.error,
    summary,
  };
}

/** "about 3 minutes" */
export function formatEta(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (seconds < 60) return "less than a minute";
  if (seconds < 3600) return `about ${count(Math.round(seconds / 60), "minute")}`;
  return `about ${count(Math.round(seconds / 3600), "hour")}`;
}

/** Active backfills a worker can take now (free lease, or one whose worker is gone). */
export async function dueBackfills(db: PrismaClient, now: Date): Promise<{ id: string; shop: string }[]> {
  return db.backfill.findMany({
    where: { status: { in: [...ACTIVE_BACKFILL] }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    orderBy: { startedAt: "asc" },
    select: { id: true, shop: true },
    take: 20,
  });
}
