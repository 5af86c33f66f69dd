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
import { ensureJobs, isUniqueViolation, validateDelivery } from "./ingest.server";
import { keepRedacted } from "./compliance.server";
import type { Topic } from "./topics";
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
      do {
        again = false;
        queuedOrders += await drainPending(db, logger, now);
      } while (again);
      return queuedOrders;
    })().finally(() => (draining = null));
    return draining.then((count) => {
      if (count > 0) queued?.();
      return count;
    });
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
 * insert at the same moment, without a look first or an error to catch; raw
 * SQL, because on this path Prisma's query planning cost more than the write.
 */
async function appendBatch(db: PrismaClient, deliveries: Delivery[], receivedAt: Date): Promise<AppendOutcome[]> {
  const key = (d: { shop: string; eventId: string }) => `${d.shop}\u0000${d.eventId}`;
  const shops = [...new Set(deliveries.map((d) => d.shop))];
  // Has the app now: installed, not uninstalled since, not erased (shop/redact deletes the row).
  const installed = new Set((await db.shop.findMany({ where: { shop: { in: shops }, uninstalledAt: null }, select: { shop: true } })).map((s) => s.shop));
  const firstOfKey = new Map<string, number>();
  deliveries.forEach((d, i) => firstOfKey.has(key(d)) || firstOfKey.set(key(d), i));
  const fresh = deliveries.filter((d, i) => installed.has(d.shop) && firstOfKey.get(key(d)) === i);
  const accepted = new Set<string>();
  if (fresh.length > 0) {
    const rows = fresh.map((d) => Prisma.sql`(${eventRowId()}, ${d.shop}, ${d.eventId}, ${d.topic}, ${d.orderId}, ${d.payload}, ${receivedAt}, ${d.source ?? "webhook"}, ${d.backfillId ?? null})`);
    const inserted = await db.$queryRaw<{ shop: string; eventId: string }[]>(
      Prisma.sql`INSERT INTO "WebhookEvent" ("id", "shop", "eventId", "topic", "orderId", "payload", "receivedAt", "source", "backfillId") VALUES ${Prisma.join(rows)} ON CONFLICT ("shop", "eventId") DO NOTHING RETURNING "shop", "eventId"`,
    );
    for (const row of inserted) accepted.add(key(row));
  }
  return deliveries.map((d, i) => (!installed.has(d.shop) ? "not_installed" : accepted.has(key(d)) && firstOfKey.get(key(d)) === i ? "accepted" : "duplicate"));
}

let rowSequence = 0;
/**
 * A WebhookEvent id that sorts in arrival order within this process (deliveries
 * of one commit share their receivedAt, and a merge takes them by receivedAt,
 * then id), unique across processes by its random tail.
 */
function eventRowId(): string {
  rowSequence = (rowSequence + 1) % 36 ** 6;
  return `w${Date.now().toString(36).padStart(9, "0")}${rowSequence.toString(36).padStart(6, "0")}${randomBytes(5).toString("hex")}`;
}

/** Merges every order with deliveries waiting (not those only waiting for their order); answers how many queued jobs. */
async function drainPending(db: PrismaClient, logger: Logger, now: () => Date): Promise<number> {
  let queuedOrders = 0;
  for (;;) {
    const pending = await db.webhookEvent.findMany({
      where: { processedAt: null, outcome: null },
      orderBy: { receivedAt: "asc" },
      select: { shop: true, orderId: true },
      take: 500,
    });
    if (pending.length === 0) return queuedOrders;
    const orders = new Map(pending.filter((p) => p.orderId).map((p) => [`${p.shop}\u0000${p.orderId}`, { shop: p.shop, orderId: p.orderId! }]));
    for (const { shop, orderId } of orders.values()) {
      if ((await mergeOrder(db, shop, orderId, now, logger)) > 0) queuedOrders++;
    }
    // Rows without an order id cannot be merged: marked, so the loop ends.
    await db.webhookEvent.updateMany({ where: { processedAt: null, outcome: null, orderId: null }, data: { processedAt: now(), outcome: "stale" } });
  }
}

class MergeConflict extends Error {}

/**
 * Applies every waiting delivery of one order to its snapshot, in one
 * transaction that writes only over the snapshot version it read; retried when
 * another process merged first. Answers the number of jobs queued.
 */
export async function mergeOrder(db: PrismaClient, shop: string, orderId: string, now: () => Date, logger: Logger): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await mergeOrderOnce(db, shop, orderId, now);
    } catch (error) {
      // Another process merged this order first: read its result and merge again.
      if (!(error instanceof MergeConflict || isUniqueViolation(error)) || attempt >= 20) throw error;
      if (attempt === 10) logger.warn("order merged concurrently many times in a row; still merging", { shop, orderId });
    }
  }
}

async function mergeOrderOnce(db: PrismaClient, shop: string, orderId: string, now: () => Date): Promise<number> {
  return db.$transaction((tx) => mergeOrderIn(tx, shop, orderId, now));
}

/** mergeOrderOnce's work in a transaction the caller holds (recordDeliveries merges many orders in one commit). */
async function mergeOrderIn(tx: Prisma.TransactionClient, shop: string, orderId: string, now: () => Date): Promise<number> {
  // Sorted here, not by the query: with an ORDER BY on receivedAt, SQLite's planner walks the
  // (shop, receivedAt) index through every delivery the shop ever had instead of the handful of
  // this order's (shop, orderId, processedAt), and each merge grew slower with the inbox.
  const rows = (await tx.webhookEvent.findMany({ where: { shop, orderId, processedAt: null } })).sort(
    (a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  if (rows.length === 0) return 0;
  const stored = await tx.orderSnapshot.findUnique({ where: { shop_orderId: { shop, orderId } } });
  let current: { snapshot: OrderSnapshot; rank: number } | null = stored ? { snapshot: JSON.parse(stored.payload) as OrderSnapshot, rank: stored.topicRank } : null;
  const before = current ? JSON.stringify(current.snapshot) : null;
  const outcome = new Map<string, "recorded" | "stale" | "waiting_for_order">();

  // Whole-order payloads first: which one wins does not depend on the order they came in.
  for (const row of rows.filter((r) => !isOrderPartTopic(r.topic))) {
    const candidate = { snapshot: JSON.parse(row.payload ?? "null") as OrderSnapshot, rank: TOPIC_RANK[row.topic] ?? 0 };
    if (!candidate.snapshot) {
      outcome.set(row.id, "stale");
      continue;
    }
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

  // A customer erased on request stays erased: a later delivery of their order is stored without the personal data.
  if (current) current = { ...current, snapshot: await keepRedacted(tx, shop, current.snapshot, rows) };
  const changed = current !== null && JSON.stringify(current.snapshot) !== before;
  if (changed && current) {
    const data = snapshotRow(shop, current.snapshot, current.rank);
    if (stored) {
      const written = await tx.orderSnapshot.updateMany({ where: { id: stored.id, version: stored.version }, data: { ...data, version: stored.version + 1 } });
      if (written.count !== 1) throw new MergeConflict();
    } else {
      await tx.orderSnapshot.create({ data });
    }
  }
  const at = now();
  for (const kind of ["recorded", "stale"] as const) {
    const ids = rows.filter((r) => outcome.get(r.id) === kind).map((r) => r.id);
    if (ids.length === 0) continue;
    const marked = await tx.webhookEvent.updateMany({ where: { id: { in: ids }, processedAt: null }, data: { processedAt: at, outcome: kind } });
    if (marked.count !== ids.length) throw new MergeConflict();
  }
  const waitingIds = rows.filter((r) => outcome.get(r.id) === "waiting_for_order").map((r) => r.id);
  if (waitingIds.length > 0) await tx.webhookEvent.updateMany({ where: { id: { in: waitingIds } }, data: { outcome: "waiting_for_order" } });
  if (!changed) return 0;
  // A backfill's copy queues for its partners only, behind live orders (job-priority.ts).
  const rules = rulesForSources(rows);
  const backfill = rules.backfillOnly ? await tx.backfill.findFirst({ where: { id: rules.backfillOnly, shop }, select: { partner: true } }) : null;
  return ensureJobs(tx, shop, orderId, backfill?.partner ? [backfill.partner] : undefined, rules);
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
  const key = (shop: string, orderId: string) => `${shop}\u0000${orderId}`;
  // A shop without the app kept nothing: nothing to merge.
  const orders = [...new Map(deliveries.filter((_, i) => appended[i] !== "not_installed").map((d) => [key(d.shop, d.orderId), d])).values()];
  let jobs = new Map<string, number>();
  try {
    await db.$transaction(
      async (tx) => {
        for (const d of orders) jobs.set(key(d.shop, d.orderId), await mergeOrderIn(tx, d.shop, d.orderId, now));
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  } catch (error) {
    if (!(error instanceof MergeConflict || isUniqueViolation(error))) throw error;
    jobs = new Map();
    for (const d of orders) jobs.set(key(d.shop, d.orderId), await mergeOrder(db, d.shop, d.orderId, now, logger));
  }
  let next = 0;
  return validated.map(({ delivery }) => {
    if (!delivery.ok) return { outcome: "invalid" as const, error: delivery.error };
    const d = deliveries[next]!;
    return { outcome: appended[next++]!, jobs: jobs.get(key(d.shop, d.orderId)) ?? 0 };
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
