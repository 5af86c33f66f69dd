// The webhook inbox. Shopify's answer waits for one durable write and nothing
// else: a delivery is validated, appended to the inbox (WebhookEvent) together
// with the other deliveries that arrived meanwhile, in one transaction (a group
// commit: one SQLite write for many requests), and answered. Merging it into its
// order's snapshot and fanning out the sync jobs happens right after, per order,
// as a compare-and-set on the snapshot's version: two processes merging
// deliveries of one order can neither lose one nor let an older one win, in
// whatever order they arrived. A fulfillment whose order is not known yet waits
// in the inbox until the order arrives.
import { randomBytes } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import { mergeFulfillment, mergeRefund } from "~/orders/merge";
import type { CanonicalRefund } from "~/orders/canonical";
import type { OrderSnapshot, SnapshotFulfillment } from "~/orders/snapshot";
import type { Logger } from "~/logger";
import { ensureJobs, isUniqueViolation, partnerConfigsOf, validateDelivery, type PartnerConfigs } from "./ingest.server";
import { keepRedacted } from "./compliance.server";
import type { Topic } from "./topics";
import { sqliteDirectOf } from "~/db.server";
import { sqliteDateTime, type SqliteDirect } from "~/db.sqlite-direct";
import { rulesForSources, type DeliverySource } from "./job-priority";

/** A validated delivery, as the inbox keeps it. */
export interface Delivery {
  shop: string;
  /** X-Shopify-Event-Id, else X-Shopify-Webhook-Id. */
  eventId: string;
  topic: Topic;
  orderId: string;
  /** The snapshot (order topics) or the fulfillment (fulfillment topics), as JSON text. */
  payload: string;
  /** Who recorded it, when not Shopify's webhook (a backfill, a reconciliation): its jobs' priority. */
  source?: DeliverySource;
  backfillId?: string;
}

/** "not_installed": the shop does not have the app (never installed, uninstalled, erased), so nothing was kept. */
export type AppendOutcome = "accepted" | "duplicate" | "not_installed";

export interface Inbox {
  /** Resolves once the delivery is durably in the inbox (or was already): then Shopify may be answered. */
  append(delivery: Delivery): Promise<AppendOutcome>;
  /** Merges what waits in the inbox; resolves with the number of orders whose jobs were queued. Runs once at a time per process. */
  drain(): Promise<number>;
  /** Starts a drain soon, after the current one (deliveries just appended). */
  drainSoon(): void;
}

export interface InboxOptions {
  /** Most deliveries in one group commit. */
  maxBatch?: number;
  /** Told when a drain queued due jobs (wakes the worker). */
  queued?: () => void;
  now?: () => Date;
}

/** Rank of an order topic at equal updated_at: the later state of the order wins. */
const TOPIC_RANK: Record<string, number> = { "orders/create": 0, "orders/updated": 1, "orders/cancelled": 2 };
/** How long an append waits for others to share its commit: far below Shopify's patience, above a request's parse. */
const GATHER_MS = 3;
/**
 * Between two merge passes while deliveries keep arriving: a pass then takes a
 * few commits' worth of deliveries at once. Measured (scripts/bench/ingest-only.ts,
 * merges included): 10 ms left the web process at about 650 µs of CPU per webhook,
 * 25 ms at about 460-540 µs; a delivery's merge waits at most this much longer, and
 * only under a steady stream (an idle inbox merges at once).
 */
const MERGE_PAUSE_MS = 25;
const isFulfillmentTopic = (topic: string) => topic.startsWith("fulfillments/");
const isRefundTopic = (topic: string) => topic.startsWith("refunds/");
/** A delivery of one part of an order (a fulfillment, a refund): merged into the order, waits for it when unknown. */
const isOrderPartTopic = (topic: string) => isFulfillmentTopic(topic) || isRefundTopic(topic);

export function createInbox(db: PrismaClient, logger: Logger, { maxBatch = 256, queued, now = () => new Date() }: InboxOptions = {}): Inbox {
  let waiting: { delivery: Delivery; resolve: (outcome: AppendOutcome) => void; reject: (error: unknown) => void }[] = [];
  let committing: Promise<void> | null = null;

  /** One transaction for every delivery that arrived while the previous one committed. */
  async function commitWaiting(): Promise<void> {
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      try {
        const outcomes = await appendBatch(
          db,
          batch.map((w) => w.delivery),
          now(),
        );
        batch.forEach((w, i) => w.resolve(outcomes[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    committing = null;
  }

  let draining: Promise<number> | null = null;
  let again = false;
  const drain = (): Promise<number> => {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      let queuedOrders = 0;
      for (;;) {
        again = false;
        const merged = await drainPending(db, logger, now);
        // The worker hears of each pass's jobs, not only of the last pass's under a steady stream.
        if (merged > 0) queued?.();
        queuedOrders += merged;
        if (!again) return queuedOrders;
        // Deliveries kept coming during the pass: a short pause lets the next pass take
        // more of them at once (one transaction for many orders) rather than a few each.
        await new Promise((resolve) => setTimeout(resolve, MERGE_PAUSE_MS));
      }
    })().finally(() => (draining = null));
    return draining;
  };

  return {
    append(delivery) {
      const appended = new Promise<AppendOutcome>((resolve, reject) => waiting.push({ delivery, resolve, reject }));
      // A short pause gathers the deliveries arriving together: SQLite's writes
      // run synchronously, so without it each commit would hold just one.
      committing ??= new Promise<void>((resolve) => setTimeout(resolve, GATHER_MS)).then(commitWaiting);
      return appended;
    },
    drain,
    drainSoon() {
      void drain().catch((error) => logger.error("inbox could not be merged; it is retried at the next delivery or worker poll", { error: String(error) }));
    },
  };
}

/**
 * Appends deliveries in one statement (one write, atomic on its own); answers
 * each one's outcome: a redelivered event is a duplicate, a delivery for a shop
 * without the app is not kept. INSERT ... ON CONFLICT DO NOTHING RETURNING (both
 * SQLite and Postgres) settles duplicates, even against another process's
 * insert at the same moment, without a look first or an error to catch.
 */
async function appendBatch(db: PrismaClient, deliveries: Delivery[], receivedAt: Date): Promise<AppendOutcome[]> {
  const key = (d: { shop: string; eventId: string }) => `${d.shop}\u0000${d.eventId}`;
  const firstOfKey = new Map<string, number>();
  deliveries.forEach((d, i) => firstOfKey.has(key(d)) || firstOfKey.set(key(d), i));
  const unique = deliveries.filter((d, i) => firstOfKey.get(key(d)) === i);
  const rows = unique.map((d) => [eventRowId(), d.shop, d.eventId, d.topic, d.orderId, d.payload, receivedAt, d.source ?? "webhook", d.backfillId ?? null] as const);
  const { accepted, installed } = await (sqliteDirectOf(db) ? appendOnSqlite(sqliteDirectOf(db)!, rows) : appendWithPrisma(db, rows));
  const acceptedKeys = new Set(accepted.map(key));
  const installedShops = new Set(installed);
  return deliveries.map((d, i) => (acceptedKeys.has(key(d)) && firstOfKey.get(key(d)) === i ? "accepted" : installedShops.has(d.shop) ? "duplicate" : "not_installed"));
}

type EventInsert = readonly [id: string, shop: string, eventId: string, topic: string, orderId: string, payload: string, receivedAt: Date, source: string, backfillId: string | null];
/** The rows the insert kept, and the shops among them that have the app (all the kept rows' shops, at least). */
type Appended = { accepted: { shop: string; eventId: string }[]; installed: string[] };

const INSERT_COLUMNS = `"id", "shop", "eventId", "topic", "orderId", "payload", "receivedAt", "source", "backfillId"`;

/**
 * SQLite, on the driver (app/db.sqlite-direct.ts): one statement that keeps only
 * the rows of shops that have the app (installed, not uninstalled since, not
 * erased: shop/redact deletes the row). The shops are read apart only when a row
 * was not kept, to tell a duplicate from a shop without the app.
 */
async function appendOnSqlite(direct: SqliteDirect, rows: EventInsert[]): Promise<Appended> {
  const values = rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ");
  const args = rows.flatMap(([id, shop, eventId, topic, orderId, payload, receivedAt, source, backfillId]) => [
    id,
    shop,
    eventId,
    topic,
    orderId,
    payload,
    sqliteDateTime(receivedAt),
    source,
    backfillId,
  ]);
  const inserted = await direct.execute(
    `INSERT INTO "WebhookEvent" (${INSERT_COLUMNS}) SELECT * FROM (VALUES ${values}) AS v WHERE EXISTS (SELECT 1 FROM "Shop" s WHERE s."shop" = v.column2 AND s."uninstalledAt" IS NULL) ON CONFLICT ("shop", "eventId") DO NOTHING RETURNING "shop", "eventId"`,
    args,
  );
  const accepted = inserted.rows.map((row) => ({ shop: String(row.shop), eventId: String(row.eventId) }));
  if (accepted.length === rows.length) return { accepted, installed: [...new Set(accepted.map((a) => a.shop))] };
  const shops = [...new Set(rows.map((row) => row[1]))];
  const found = await direct.execute(`SELECT "shop" FROM "Shop" WHERE "uninstalledAt" IS NULL AND "shop" IN (${shops.map(() => "?").join(", ")})`, shops);
  return { accepted, installed: found.rows.map((row) => String(row.shop)) };
}

/** Postgres, through Prisma: the shops that have the app read first, then their rows inserted. */
async function appendWithPrisma(db: PrismaClient, rows: EventInsert[]): Promise<Appended> {
  const shops = [...new Set(rows.map((row) => row[1]))];
  const installed = (await db.shop.findMany({ where: { shop: { in: shops }, uninstalledAt: null }, select: { shop: true } })).map((s) => s.shop);
  const fresh = rows.filter((row) => installed.includes(row[1]));
  if (fresh.length === 0) return { accepted: [], installed };
  const accepted = await db.$queryRaw<{ shop: string; eventId: string }[]>(
    Prisma.sql`INSERT INTO "WebhookEvent" (${Prisma.raw(INSERT_COLUMNS)}) VALUES ${Prisma.join(fresh.map((row) => Prisma.sql`(${Prisma.join([...row])})`))} ON CONFLICT ("shop", "eventId") DO NOTHING RETURNING "shop", "eventId"`,
  );
  return { accepted, installed };
}

let rowSequence = 0;
/** This process's random tail (drawn once: a draw per row showed in the ingest profile). */
const PROCESS_TAIL = randomBytes(5).toString("hex");
/**
 * A WebhookEvent id that sorts in arrival order within this process (deliveries
 * of one commit share their receivedAt, and a merge takes them by receivedAt,
 * then id), unique within it by time and sequence and across processes by the
 * process's random tail.
 */
function eventRowId(): string {
  rowSequence = (rowSequence + 1) % 36 ** 6;
  return `w${Date.now().toString(36).padStart(9, "0")}${rowSequence.toString(36).padStart(6, "0")}${PROCESS_TAIL}`;
}

/** Waiting deliveries one merge pass reads. */
const PAGE = 500;
/** Most orders one drain merges in one transaction. */
const MERGE_BATCH = 200;
type OrderKey = { shop: string; orderId: string };
const orderKey = (o: OrderKey) => `${o.shop}\u0000${o.orderId}`;

/** Merges every order with deliveries waiting (not those only waiting for their order); answers how many queued jobs. */
async function drainPending(db: PrismaClient, logger: Logger, now: () => Date): Promise<number> {
  let queuedOrders = 0;
  for (;;) {
    // The orders of the oldest page of waiting deliveries, one row per order: a page is
    // mostly redeliveries and updates of a few orders under load, and each row Prisma
    // hands back costs more than the database's grouping.
    const pending = await db.$queryRaw<{ shop: string; orderId: string | null; deliveries: number | bigint }[]>`
      SELECT "shop", "orderId", COUNT(*) AS "deliveries" FROM (
        SELECT "shop", "orderId" FROM "WebhookEvent" WHERE "processedAt" IS NULL AND "outcome" IS NULL ORDER BY "receivedAt" LIMIT ${PAGE}
      ) AS "page" GROUP BY "shop", "orderId"`;
    if (pending.length === 0) return queuedOrders;
    const orders = pending.filter((p) => p.orderId !== null).map((p) => ({ shop: p.shop, orderId: p.orderId! }));
    for (let i = 0; i < orders.length; i += MERGE_BATCH) {
      const jobs = await mergeOrders(db, orders.slice(i, i + MERGE_BATCH), now, logger);
      for (const count of jobs.values()) if (count > 0) queuedOrders++;
    }
    // Rows without an order id cannot be merged: marked, so the loop ends.
    if (pending.some((p) => p.orderId === null)) await db.webhookEvent.updateMany({ where: { processedAt: null, outcome: null, orderId: null }, data: { processedAt: now(), outcome: "stale" } });
    // A shorter page was all there was; deliveries appended since then start another drain (drainSoon).
    if (pending.reduce((sum, p) => sum + Number(p.deliveries), 0) < PAGE) return queuedOrders;
  }
}

class MergeConflict extends Error {}

/**
 * Merges many orders with one commit (a drain's worth of deliveries); when
 * another process merged one of them meanwhile, they are merged one at a time
 * instead. Answers each order's number of jobs queued.
 */
async function mergeOrders(db: PrismaClient, orders: OrderKey[], now: () => Date, logger: Logger): Promise<Map<string, number>> {
  if (orders.length > 1) {
    try {
      const plans = await planMerges(db, orders);
      return await db.$transaction((tx) => applyMerges(tx, plans, now), { maxWait: 10_000, timeout: 60_000 });
    } catch (error) {
      if (!(error instanceof MergeConflict || isUniqueViolation(error))) throw error;
    }
  }
  const jobs = new Map<string, number>();
  for (const order of orders) jobs.set(orderKey(order), await mergeOrder(db, order, now, logger));
  return jobs;
}

/**
 * Applies every waiting delivery of one order to its snapshot, written only
 * over the snapshot version it read; read and written again when another
 * process merged first. Answers the number of jobs queued.
 */
async function mergeOrder(db: PrismaClient, order: OrderKey, now: () => Date, logger: Logger): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const plans = await planMerges(db, [order]);
      const jobs = await db.$transaction((tx) => applyMerges(tx, plans, now));
      return jobs.get(orderKey(order)) ?? 0;
    } catch (error) {
      // Another process merged this order first: read its result and merge again.
      if (!(error instanceof MergeConflict || isUniqueViolation(error)) || attempt >= 20) throw error;
      if (attempt === 10) logger.warn("order merged concurrently many times in a row; still merging", { ...order });
    }
  }
}

/** One order's merge as read and decided, before anything is written. */
interface MergePlan {
  order: OrderKey;
  rows: EventRow[];
  stored: SnapshotRow | null;
  outcome: Map<string, "recorded" | "stale" | "waiting_for_order">;
  /** The order with every delivery applied (null while only parts of it arrived), before the redaction check. */
  merged: { snapshot: OrderSnapshot; rank: number } | null;
  /** The stored snapshot as JSON text, null when none: what `merged` is compared with. */
  before: string | null;
  copyOf: (row: EventRow) => OrderSnapshot | null;
}

/**
 * Reads the orders' waiting deliveries and stored snapshots (one query each)
 * and decides each merge, outside any transaction: on SQLite a transaction
 * holds the one write lock, and the webhook path's appends wait for it
 * (db.sqlite-direct.ts), so it holds only the writes and the redaction check.
 * What was read is checked when written (applyMerges): a snapshot by its
 * version (every writer of a snapshot bumps it), a delivery by being still unmerged.
 */
async function planMerges(db: PrismaClient, orders: OrderKey[]): Promise<MergePlan[]> {
  const wanted = new Set(orders.map(orderKey));
  const shops = [...new Set(orders.map((o) => o.shop))];
  const orderIds = [...new Set(orders.map((o) => o.orderId))];
  // (shop, orderId) pairs are read as two IN lists (one shop in practice) and filtered here.
  const rows = (await db.webhookEvent.findMany({ where: { shop: { in: shops }, orderId: { in: orderIds }, processedAt: null } })).filter((r) =>
    wanted.has(orderKey({ shop: r.shop, orderId: r.orderId! })),
  );
  const snapshots = (await db.orderSnapshot.findMany({ where: { shop: { in: shops }, orderId: { in: orderIds } } })).filter((s) => wanted.has(orderKey(s)));
  const rowsOf = groupBy(rows, (r) => orderKey({ shop: r.shop, orderId: r.orderId! }));
  const storedOf = new Map(snapshots.map((s) => [orderKey(s), s]));
  const plans: MergePlan[] = [];
  for (const order of orders) {
    const key = orderKey(order);
    plans.push(planMerge(order, rowsOf.get(key) ?? [], storedOf.get(key) ?? null));
  }
  return plans;
}

/** Writes the planned merges; throws MergeConflict when another process wrote one of them since they were read. */
async function applyMerges(tx: Prisma.TransactionClient, plans: MergePlan[], now: () => Date): Promise<Map<string, number>> {
  const configs = partnerConfigsOf(tx);
  // In the transaction, so that a customers/redact committed after the plan was read is seen (on SQLite
  // the transactions take turns); one look for the pass, as most shops never had one.
  const shops = [...new Set(plans.map((plan) => plan.order.shop))];
  const redacting = new Set((await tx.complianceRequest.groupBy({ by: ["shop"], where: { shop: { in: shops }, topic: "customers/redact" } })).map((row) => row.shop));
  const jobs = new Map<string, number>();
  for (const plan of plans) jobs.set(orderKey(plan.order), await applyMerge(tx, plan, redacting.has(plan.order.shop), now, configs));
  return jobs;
}

/**
 * Ids in lists SQLite takes as one statement's parameters (Prisma refuses more
 * than 999): an order can gather thousands of deliveries while nothing merges.
 */
function chunks(ids: string[], size = 500): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

type EventRow = Awaited<ReturnType<Prisma.TransactionClient["webhookEvent"]["findMany"]>>[number];
type SnapshotRow = Awaited<ReturnType<Prisma.TransactionClient["orderSnapshot"]["findMany"]>>[number];

/** One order's merge decided, in memory: its waiting deliveries (any order) applied to its stored snapshot. */
function planMerge(order: OrderKey, unsorted: EventRow[], stored: SnapshotRow | null): MergePlan {
  // Sorted here, not by the query: with an ORDER BY on receivedAt, SQLite's planner walks the
  // (shop, receivedAt) index through every delivery the shop ever had instead of the handful of
  // this order's (shop, orderId, processedAt), and each merge grew slower with the inbox.
  const rows = unsorted.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const outcome = new Map<string, "recorded" | "stale" | "waiting_for_order">();
  let current: { snapshot: OrderSnapshot; rank: number } | null = stored ? { snapshot: JSON.parse(stored.payload) as OrderSnapshot, rank: stored.topicRank } : null;
  const before = current ? JSON.stringify(current.snapshot) : null;
  // Parsed once per distinct text: Shopify's retries and redeliveries of one state carry the
  // same snapshot, and the copies are only read (the merge functions return new objects).
  const copies = new Map<string, OrderSnapshot | null>();
  const copyOf = (row: EventRow): OrderSnapshot | null => {
    const text = row.payload ?? "null";
    if (!copies.has(text)) copies.set(text, JSON.parse(text) as OrderSnapshot | null);
    return copies.get(text)!;
  };

  // Whole-order payloads first: which one wins does not depend on the order they came in.
  for (const row of rows.filter((r) => !isOrderPartTopic(r.topic))) {
    const copy = copyOf(row);
    if (!copy) {
      outcome.set(row.id, "stale");
      continue;
    }
    const candidate = { snapshot: copy, rank: TOPIC_RANK[row.topic] ?? 0 };
    if (current && !isNewer(candidate, current)) {
      outcome.set(row.id, "stale");
      continue;
    }
    // A fulfillment delivered apart may be newer than the one this payload carries.
    let next = candidate.snapshot;
    for (const fulfillment of current?.snapshot.fulfillments ?? []) next = mergeFulfillment(next, fulfillment);
    // So may a refund (refunds/create before the orders/updated that lists it).
    for (const refund of current?.snapshot.refunds ?? []) next = mergeRefund(next, refund);
    current = { snapshot: next, rank: candidate.rank };
    outcome.set(row.id, "recorded");
  }
  for (const row of rows.filter((r) => isOrderPartTopic(r.topic))) {
    if (!current) {
      outcome.set(row.id, "waiting_for_order");
      continue;
    }
    const next = isRefundTopic(row.topic)
      ? mergeRefund(current.snapshot, JSON.parse(row.payload!) as CanonicalRefund)
      : mergeFulfillment(current.snapshot, JSON.parse(row.payload!) as SnapshotFulfillment);
    outcome.set(row.id, JSON.stringify(next) === JSON.stringify(current.snapshot) ? "stale" : "recorded");
    current = { ...current, snapshot: next };
  }

  return { order, rows, stored, outcome, merged: current, before, copyOf };
}

/** One planned merge written: the snapshot over the version it was read at, the deliveries marked, the jobs queued. */
async function applyMerge(tx: Prisma.TransactionClient, plan: MergePlan, shopHasRedactions: boolean, now: () => Date, configs: PartnerConfigs): Promise<number> {
  const { order, rows, stored, outcome, merged, before, copyOf } = plan;
  const { shop, orderId } = order;
  // A customer erased on request stays erased: a later delivery of their order is stored without the personal data.
  const kept = merged && shopHasRedactions ? { ...merged, snapshot: await keepRedacted(tx, shop, merged.snapshot, rows, copyOf) } : merged;
  const next = kept !== null && JSON.stringify(kept.snapshot) !== before ? kept : null;
  if (next) {
    const data = snapshotRow(shop, next.snapshot, next.rank);
    if (stored) {
      const written = await tx.orderSnapshot.updateMany({ where: { id: stored.id, version: stored.version }, data: { ...data, version: stored.version + 1 } });
      if (written.count !== 1) throw new MergeConflict();
    } else {
      await tx.orderSnapshot.create({ data });
    }
  }
  const at = now();
  for (const kind of ["recorded", "stale"] as const) {
    for (const ids of chunks(rows.filter((r) => outcome.get(r.id) === kind).map((r) => r.id))) {
      const marked = await tx.webhookEvent.updateMany({ where: { id: { in: ids }, processedAt: null }, data: { processedAt: at, outcome: kind } });
      if (marked.count !== ids.length) throw new MergeConflict();
    }
  }
  for (const ids of chunks(rows.filter((r) => outcome.get(r.id) === "waiting_for_order").map((r) => r.id))) {
    const marked = await tx.webhookEvent.updateMany({ where: { id: { in: ids }, processedAt: null }, data: { outcome: "waiting_for_order" } });
    if (marked.count !== ids.length) throw new MergeConflict();
  }
  if (!next) return 0;
  // A backfill's copy queues for its partners only, behind live orders (job-priority.ts).
  const rules = rulesForSources(rows);
  const backfill = rules.backfillOnly ? await tx.backfill.findFirst({ where: { id: rules.backfillOnly, shop }, select: { partner: true } }) : null;
  return ensureJobs(tx, shop, orderId, backfill?.partner ? [backfill.partner] : undefined, rules, configs);
}

/** Shopify does not deliver in order: a payload replaces the stored one only when it is a later state of the order. */
function isNewer(candidate: { snapshot: OrderSnapshot; rank: number }, current: { snapshot: OrderSnapshot; rank: number }): boolean {
  const a = Date.parse(candidate.snapshot.updatedAt);
  const b = Date.parse(current.snapshot.updatedAt);
  return a > b || (a === b && candidate.rank > current.rank);
}

function snapshotRow(shop: string, snapshot: OrderSnapshot, topicRank: number) {
  return {
    shop,
    orderId: snapshot.orderId,
    orderName: snapshot.orderName,
    payload: JSON.stringify(snapshot),
    shopifyUpdatedAt: new Date(snapshot.updatedAt),
    customerId: snapshot.customerId,
    email: snapshot.email,
    topicRank,
  };
}

/**
 * Records one delivery as if its webhook had just arrived, merged at once: for
 * tools and tests outside the HTTP path, backfills and reconciliation (`source`).
 */
export async function recordDelivery(db: PrismaClient, webhook: RecordedWebhook, logger: Logger, now: () => Date = () => new Date()): Promise<RecordOutcome> {
  const [result] = await recordDeliveries(db, [webhook], logger, now);
  return result!;
}

export type RecordedWebhook = { shop: string; topic: Topic; eventId: string; body: unknown; source?: DeliverySource; backfillId?: string };
export type RecordOutcome = { outcome: AppendOutcome; jobs: number } | { outcome: "invalid"; error: string };

/**
 * recordDelivery for many deliveries at once (a backfill's orders): one append
 * and one merge transaction for the lot, so a store's history costs two commits
 * a batch instead of two an order (SQLite commits are synchronous). When another
 * process merged one of the orders meanwhile, they are merged one at a time.
 */
export async function recordDeliveries(db: PrismaClient, webhooks: RecordedWebhook[], logger: Logger, now: () => Date = () => new Date()): Promise<RecordOutcome[]> {
  const validated = webhooks.map((webhook) => ({ webhook, delivery: validateDelivery(webhook.topic, webhook.body) }));
  const deliveries: Delivery[] = validated.flatMap(({ webhook, delivery }) =>
    delivery.ok
      ? [
          {
            shop: webhook.shop,
            eventId: webhook.eventId,
            topic: webhook.topic,
            orderId: delivery.orderId,
            payload: delivery.payload,
            ...(webhook.source ? { source: webhook.source } : {}),
            ...(webhook.backfillId ? { backfillId: webhook.backfillId } : {}),
          },
        ]
      : [],
  );
  const appended = deliveries.length > 0 ? await appendBatch(db, deliveries, now()) : [];
  // A shop without the app kept nothing: nothing to merge.
  const orders = [...new Map(deliveries.filter((_, i) => appended[i] !== "not_installed").map((d) => [orderKey(d), { shop: d.shop, orderId: d.orderId }])).values()];
  const jobs = orders.length > 0 ? await mergeOrders(db, orders, now, logger) : new Map<string, number>();
  let next = 0;
  return validated.map(({ delivery }) => {
    if (!delivery.ok) return { outcome: "invalid" as const, error: delivery.error };
    const d = deliveries[next]!;
    return { outcome: appended[next++]!, jobs: jobs.get(orderKey(d)) ?? 0 };
  });
}

/**
 * Merges leftovers on a timer: deliveries another process appended but did not
 * merge (it stopped between its answer and its merge). Every web and worker
 * process runs one; merges are safe side by side. Answers the stop function.
 */
export function startInboxSweeper(inbox: Pick<Inbox, "drainSoon">, intervalMs = 5_000): () => void {
  inbox.drainSoon();
  const timer = setInterval(() => inbox.drainSoon(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
