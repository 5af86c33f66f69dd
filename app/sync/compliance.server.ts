import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import { redactSnapshotPii } from "~/orders/redact";
import type { OrderSnapshot } from "~/orders/snapshot";
import { z } from "zod";
import { holdMessage, type HoldReason } from "./hold-reason";
import { DUE_STATUSES } from "./job-status";

const idString = z.union([z.string(), z.number()]).transform(String);

export const customersRedactSchema = z.object({
  customer: z.object({ id: idString.nullish(), email: z.string().nullish(), phone: z.string().nullish() }),
  orders_to_redact: z.array(idString).default([]),
});

export const dataRequestSchema = z.object({
  customer: z.object({ id: idString.nullish() }).partial().default({}),
  orders_requested: z.array(idString).default([]),
  data_request: z.object({ id: idString.nullish() }).partial().optional(),
});

/** The sentence shown on what an uninstall holds. */
const UNINSTALLED_REASON = holdMessage("uninstalled", "");

/** app/scopes_update: the scopes the merchant has granted now. */
export const scopesUpdateSchema = z.object({ current: z.array(z.string()) });

type Tx = Prisma.TransactionClient;

const REDACTED_MESSAGE = "[redacted on the customer's request]";

const normalEmail = (email: string) => email.trim().toLowerCase();

/**
 * What the redaction record keeps instead of the email: a hash of the lowercased
 * address, bound to the shop (the same address hashes differently in another shop),
 * so that a later delivery can be recognised without the address being stored.
 */
export function redactionEmailHash(shop: string, email: string): string {
  return createHash("sha256")
    .update(`customers/redact\u0000${shop}\u0000${normalEmail(email)}`)
    .digest("hex");
}

/** Every email an order snapshot (or an inbox copy of one) holds: the order's and the customer's. */
function emailsOf(snapshot: Pick<OrderSnapshot, "email" | "customer"> | null): string[] {
  if (!snapshot) return [];
  return [snapshot.email, snapshot.customer?.email].filter((e): e is string => typeof e === "string" && e.trim() !== "");
}

/** PartnerCache keys are lowercased emails (Reverb's remembered advocates); older rows may hold one as typed. */
async function forgetRemembered(tx: Tx | PrismaClient, shop: string, emails: readonly string[]): Promise<void> {
  const keys = [...new Set(emails.flatMap((e) => [e, e.trim(), normalEmail(e)]))];
  if (keys.length > 0) await tx.partnerCache.deleteMany({ where: { shop, key: { in: keys } } });
}

/** The job rows' copies of what was sent, and the partners' messages (they can quote what we sent: an email in a validation error). */
async function scrubJobs(tx: Tx | PrismaClient, shop: string, orderIds: readonly string[]): Promise<void> {
  const jobs = await tx.syncJob.findMany({ where: { shop, orderId: { in: [...orderIds] } }, select: { id: true } });
  await tx.syncJob.updateMany({ where: { shop, orderId: { in: [...orderIds] } }, data: { lastSentBody: null } });
  await tx.syncAttempt.updateMany({ where: { shop, jobId: { in: jobs.map((j) => j.id) }, error: { not: null } }, data: { error: REDACTED_MESSAGE } });
  await tx.syncJob.updateMany({ where: { shop, orderId: { in: [...orderIds] }, lastError: { not: null } }, data: { lastError: REDACTED_MESSAGE } });
}

/**
 * customers/redact: erase the customer's personal data from our store. Order
 * snapshots keep ids, lines and amounts (sync history stays readable) but lose
 * names, emails, phones and addresses; what we last sent to partners and the
 * remembered remote customer ids go too. The customer's orders are found by
 * customer id, by email in any letter case, and by the orders Shopify names;
 * partner memories are erased for every email those orders carry (an order's
 * email can differ from the one in the request). A record of the request (the
 * customer id and a hash of the email, no address) keeps later deliveries of
 * those orders erased (keepRedacted).
 */
export async function redactCustomer(db: PrismaClient, shop: string, payload: z.infer<typeof customersRedactSchema>): Promise<number> {
  const { customer, orders_to_redact } = payload;
  const email = customer.email?.trim() || null;
  return db.$transaction(async (tx) => {
    // Letter case is not part of an address's identity in practice: lower() on both sides, in the database.
    const byEmail = email ? await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "OrderSnapshot" WHERE "shop" = ${shop} AND lower("email") = lower(${email})` : [];
    const or = [
      ...(customer.id ? [{ customerId: customer.id }] : []),
      ...(byEmail.length > 0 ? [{ id: { in: byEmail.map((r) => r.id) } }] : []),
      ...(orders_to_redact.length > 0 ? [{ orderId: { in: orders_to_redact } }] : []),
    ];
    const snapshots = or.length > 0 ? await tx.orderSnapshot.findMany({ where: { shop, OR: or } }) : [];
    const emails = new Set<string>(email ? [email] : []);
    for (const row of snapshots) {
      const snapshot = JSON.parse(row.payload) as OrderSnapshot;
      for (const e of [...emailsOf(snapshot), ...(row.email ? [row.email] : [])]) emails.add(e);
      // A new version: an inbox merge read before this erasure must not write the order back over it (its compare-and-set fails).
      await tx.orderSnapshot.update({ where: { id: row.id }, data: { payload: JSON.stringify(redactSnapshotPii(snapshot)), email: null, version: { increment: 1 } } });
    }
    const orderIds = [...new Set([...snapshots.map((s) => s.orderId), ...orders_to_redact])];
    // The inbox keeps each delivery's order as it came: those copies are erased too
    // (fulfillment deliveries carry no personal data).
    const deliveries = await tx.webhookEvent.findMany({ where: { shop, orderId: { in: orderIds }, topic: { startsWith: "orders/" }, payload: { not: null } } });
    for (const row of deliveries) {
      const copy = JSON.parse(row.payload!) as OrderSnapshot;
      for (const e of emailsOf(copy)) emails.add(e);
      await tx.webhookEvent.update({ where: { id: row.id }, data: { payload: JSON.stringify(redactSnapshotPii(copy)) } });
    }
    await scrubJobs(tx, shop, orderIds);
    await forgetRemembered(tx, shop, [...emails]);
    await tx.complianceRequest.create({
      data: { shop, topic: "customers/redact", customerId: customer.id ?? null, emailHash: email ? redactionEmailHash(shop, email) : null, orders: JSON.stringify(orderIds) },
    });
    return snapshots.length;
  });
}

/**
 * Whether a customers/redact request covers this order: it named the order, or it
 * named its customer (by id or email) and the order existed by then. An order the
 * customer places after the request is new data they gave us, and is kept.
 */
async function redactionCovers(tx: Tx | PrismaClient, shop: string, orderId: string, copies: readonly OrderSnapshot[]): Promise<boolean> {
  const customerIds = [...new Set(copies.map((c) => c.customerId ?? c.customer?.id).filter((id): id is string => !!id))];
  const hashes = [...new Set(copies.flatMap(emailsOf).map((e) => redactionEmailHash(shop, e)))];
  const records = await tx.complianceRequest.findMany({
    where: {
      shop,
      topic: "customers/redact",
      OR: [...(customerIds.length > 0 ? [{ customerId: { in: customerIds } }] : []), ...(hashes.length > 0 ? [{ emailHash: { in: hashes } }] : []), { orders: { contains: JSON.stringify(orderId) } }],
    },
    select: { orders: true, receivedAt: true },
  });
  // An order whose creation time cannot be read counts as older than the request: erased.
  const created = copies.map((c) => Date.parse(c.createdAt)).filter((t) => !Number.isNaN(t));
  const createdAt = created.length > 0 ? Math.min(...created) : Number.NEGATIVE_INFINITY;
  return records.some((r) => (JSON.parse(r.orders ?? "[]") as string[]).includes(orderId) || !(createdAt > r.receivedAt.getTime()));
}

/**
 * For the inbox's merge (app/sync/inbox.server.ts): the snapshot to store, erased
 * again when a customers/redact request covers the order, so that a later delivery
 * (an edit, a refund, Shopify's retry of an old one) does not bring the personal
 * data back; the inbox's copies of those deliveries are erased too.
 */
export async function keepRedacted<D extends { id: string; topic: string; payload: string | null }>(
  tx: Tx | PrismaClient,
  shop: string,
  snapshot: OrderSnapshot,
  deliveries: readonly D[],
  // The merge has parsed each delivery already: read once, not twice per delivery.
  readCopy: (delivery: D) => OrderSnapshot | null = (d) => JSON.parse(d.payload!) as OrderSnapshot | null,
): Promise<OrderSnapshot> {
  const orderRows = deliveries.filter((d) => d.topic.startsWith("orders/") && d.payload !== null);
  const copies = orderRows.map(readCopy).filter((c): c is OrderSnapshot => c !== null);
  // Only an order delivery brings personal data in (fulfillments and refunds carry none), and the
  // stored snapshot was erased with the request: a merge without one needs no look-up.
  if (copies.every((c) => c.piiRedacted)) return snapshot;
  if (!(await redactionCovers(tx, shop, snapshot.orderId, [snapshot, ...copies]))) return snapshot;
  for (const [i, row] of orderRows.entries()) {
    const copy = copies[i];
    if (copy && !copy.piiRedacted) await tx.webhookEvent.update({ where: { id: row.id }, data: { payload: JSON.stringify(redactSnapshotPii(copy)) } });
  }
  return snapshot.piiRedacted ? snapshot : redactSnapshotPii(snapshot);
}

/**
 * After a job settled (app/sync/run-job.server.ts): a customers/redact that arrived
 * while the job was calling the partner erased the order, and the job's settlement
 * then wrote back what it sent and what the partner answered (and the connector may
 * have remembered the customer again). When the order is erased now, those go again.
 * `emails` are the addresses the job read from the order before the call.
 */
export async function eraseAfterJob(db: PrismaClient, shop: string, orderId: string, emails: readonly string[]): Promise<boolean> {
  const row = await db.orderSnapshot.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { payload: true } });
  const erased = row === null || (JSON.parse(row.payload) as OrderSnapshot).piiRedacted;
  if (!erased) return false;
  await db.$transaction(async (tx) => {
    await scrubJobs(tx, shop, [orderId]);
    await forgetRemembered(tx, shop, emails);
  });
  return true;
}

/** shop/redact (48 h after uninstall): everything we hold for the shop goes. */
export async function redactShop(db: PrismaClient, shop: string): Promise<void> {
  await db.$transaction([
    db.syncAttempt.deleteMany({ where: { shop } }),
    db.syncJob.deleteMany({ where: { shop } }),
    db.syncLane.deleteMany({ where: { shop } }),
    db.orderSnapshot.deleteMany({ where: { shop } }),
    db.webhookEvent.deleteMany({ where: { shop } }),
    db.partnerCache.deleteMany({ where: { shop } }),
    db.partnerConfig.deleteMany({ where: { shop } }),
    db.session.deleteMany({ where: { shop } }),
    db.complianceRequest.deleteMany({ where: { shop } }),
    db.alert.deleteMany({ where: { shop } }),
    db.shop.deleteMany({ where: { shop } }),
    db.complianceRequest.create({ data: { shop, topic: "shop/redact" } }),
  ]);
}

/** customers/data_request: recorded for the merchant (the data is theirs to send); no PII kept in the record. */
export async function recordDataRequest(db: PrismaClient, shop: string, payload: z.infer<typeof dataRequestSchema>): Promise<void> {
  await db.complianceRequest.create({
    data: { shop, topic: "customers/data_request", customerId: payload.customer.id ?? null, orders: JSON.stringify(payload.orders_requested) },
  });
}

/**
 * app/uninstalled: the shop's sessions go, its syncs pause until it installs again.
 * An uninstall Shopify triggered before the shop's latest install (a late retry of
 * the delivery) changes nothing: answers "stale".
 */
export async function handleUninstall(db: PrismaClient, shop: string, triggeredAt: Date | null): Promise<"uninstalled" | "stale"> {
  const now = new Date();
  const row = await db.shop.findUnique({ where: { shop } });
  if (row && triggeredAt && row.installedAt > triggeredAt && !row.uninstalledAt) return "stale";
  await db.$transaction([
    db.session.deleteMany({ where: { shop } }),
    db.shop.upsert({ where: { shop }, create: { shop, uninstalledAt: now }, update: { uninstalledAt: now } }),
    db.partnerConfig.updateMany({ where: { shop }, data: { holdReason: "uninstalled", pausedReason: UNINSTALLED_REASON, pausedAt: now } }),
    db.syncJob.updateMany({ where: { shop, status: { in: [...DUE_STATUSES] } }, data: { status: "paused", lastError: UNINSTALLED_REASON, holdReason: "uninstalled" } }),
  ]);
  return "uninstalled";
}

/** app/scopes_update: the offline session records what the merchant granted, as Shopify's template does. */
export async function updateGrantedScopes(db: PrismaClient, shop: string, scopes: string[]): Promise<void> {
  await db.session.updateMany({ where: { shop, isOnline: false }, data: { scope: scopes.join(",") } });
}

/**
 * A (re)install, or access to Shopify granted again (every token exchange): the
 * shop exists and what an uninstall or a refused token held runs again.
 */
export async function markInstalled(db: PrismaClient, shop: string): Promise<void> {
  const now = new Date();
  const released: HoldReason[] = ["uninstalled", "waiting_for_shopify"];
  await db.$transaction([
    db.shop.upsert({ where: { shop }, create: { shop }, update: { uninstalledAt: null, installedAt: now, accessRefusedAt: null } }),
    db.partnerConfig.updateMany({ where: { shop, holdReason: "uninstalled" }, data: { holdReason: null, pausedReason: null, pausedAt: null } }),
    db.syncJob.updateMany({
      where: { shop, status: "paused", holdReason: { in: released } },
      data: { status: "pending", nextRunAt: now, lastError: null, holdReason: null, generation: { increment: 1 } },
    }),
  ]);
}
