import type { PrismaClient } from "@prisma/client";
import { redactSnapshotPii, type OrderSnapshot } from "~/orders/snapshot";
import { z } from "zod";
import { SHOPIFY_ACCESS_REFUSED_REASON } from "~/shopify/offline-access.server";

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

export const UNINSTALLED_REASON = "The app was uninstalled from this shop";

/** app/scopes_update: the scopes the merchant has granted now. */
export const scopesUpdateSchema = z.object({ current: z.array(z.string()) });

/**
 * customers/redact: erase the customer's personal data from our store. Order
 * snapshots keep ids, lines and amounts (sync history stays readable) but lose
 * names, emails, phones and addresses; what we last sent to partners and the
 * remembered remote customer ids go too.
 */
export async function redactCustomer(db: PrismaClient, shop: string, payload: z.infer<typeof customersRedactSchema>): Promise<number> {
  const { customer, orders_to_redact } = payload;
  const email = customer.email?.toLowerCase() || null;
  const or = [
    ...(customer.id ? [{ customerId: customer.id }] : []),
    ...(email ? [{ email: { equals: email } }, { email: { equals: customer.email! } }] : []),
    ...(orders_to_redact.length > 0 ? [{ orderId: { in: orders_to_redact } }] : []),
  ];
  if (or.length === 0) return 0;
  return db.$transaction(async (tx) => {
    const snapshots = await tx.orderSnapshot.findMany({ where: { shop, OR: or } });
    for (const row of snapshots) {
      const redacted = redactSnapshotPii(JSON.parse(row.payload) as OrderSnapshot);
      await tx.orderSnapshot.update({ where: { id: row.id }, data: { payload: JSON.stringify(redacted), email: null } });
    }
    const orderIds = [...new Set([...snapshots.map((s) => s.orderId), ...orders_to_redact])];
    // The inbox keeps each delivery's order as it came: those copies are erased too
    // (fulfillment deliveries carry no personal data).
    const deliveries = await tx.webhookEvent.findMany({ where: { shop, orderId: { in: orderIds }, topic: { startsWith: "orders/" }, payload: { not: null } } });
    for (const row of deliveries) {
      const redacted = redactSnapshotPii(JSON.parse(row.payload!) as OrderSnapshot);
      await tx.webhookEvent.update({ where: { id: row.id }, data: { payload: JSON.stringify(redacted) } });
    }
    const jobs = await tx.syncJob.findMany({ where: { shop, orderId: { in: orderIds } }, select: { id: true } });
    await tx.syncJob.updateMany({ where: { shop, orderId: { in: orderIds } }, data: { lastSentBody: null } });
    // Partner messages can quote what we sent (an email in a validation error).
    await tx.syncAttempt.updateMany({ where: { shop, jobId: { in: jobs.map((j) => j.id) }, error: { not: null } }, data: { error: "[redacted on the customer's request]" } });
    await tx.syncJob.updateMany({ where: { shop, orderId: { in: orderIds }, lastError: { not: null } }, data: { lastError: "[redacted on the customer's request]" } });
    if (email) await tx.partnerCache.deleteMany({ where: { shop, key: { in: [email, customer.email!] } } });
    await tx.complianceRequest.create({ data: { shop, topic: "customers/redact", customerId: customer.id ?? null, orders: JSON.stringify(orderIds) } });
    return snapshots.length;
  });
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
    db.partnerConfig.updateMany({ where: { shop }, data: { pausedReason: UNINSTALLED_REASON, pausedAt: now } }),
    db.syncJob.updateMany({ where: { shop, status: { in: ["pending", "retrying"] } }, data: { status: "paused", lastError: UNINSTALLED_REASON } }),
  ]);
  return "uninstalled";
}

/** Whether the shop has the app now: installed, not uninstalled since, not erased. */
export async function isInstalled(db: PrismaClient, shop: string): Promise<boolean> {
  const row = await db.shop.findUnique({ where: { shop }, select: { uninstalledAt: true } });
  return row !== null && row.uninstalledAt === null;
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
  const held = [UNINSTALLED_REASON, SHOPIFY_ACCESS_REFUSED_REASON];
  await db.$transaction([
    db.shop.upsert({ where: { shop }, create: { shop }, update: { uninstalledAt: null, installedAt: now, accessRefusedAt: null } }),
    db.partnerConfig.updateMany({ where: { shop, pausedReason: UNINSTALLED_REASON }, data: { pausedReason: null, pausedAt: null } }),
    db.syncJob.updateMany({
      where: { shop, status: "paused", lastError: { in: held } },
      data: { status: "pending", nextRunAt: now, lastError: null, generation: { increment: 1 } },
    }),
  ]);
}
